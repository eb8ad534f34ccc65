<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/** 401: the username or API key is missing, unknown, or the key belongs to another username. */
class AuthenticationException extends InexopayException
{
}
