<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/**
 * 403. The two documented causes have their own classes ({@see IpNotWhitelistedException},
 * {@see PlanInactiveException}); this class itself is thrown for other refusals of a valid account, e.g. a bank
 * account opening whose agent_pancard does not match the BC agent, or an agent that is not active yet.
 */
class ForbiddenException extends InexopayException
{
}
