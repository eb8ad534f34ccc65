<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/** A notification that must not be trusted: headers missing, timestamp out of tolerance, or no signature matches. */
class WebhookVerificationException extends InexopayException
{
    public function __construct(string $message, string $payload = '')
    {
        parent::__construct($message, 0, $payload);
    }
}
