<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/** An answer the contract does not describe: a body that is not JSON where JSON is due, or an undocumented status. */
class UnexpectedResponseException extends InexopayException
{
}
