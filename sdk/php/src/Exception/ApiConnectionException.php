<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/**
 * No answer from Inexopay: DNS, connection, TLS, timeout or a dropped connection (HTTP status 0). A transport
 * says whether the request may have reached the server, which decides how a paid call's retry is resolved.
 */
class ApiConnectionException extends InexopayException
{
    public function __construct(string $message, private readonly bool $mayHaveBeenSent, ?\Throwable $previous = null)
    {
        parent::__construct($message, 0, '', null, [], $previous);
    }

    /**
     * False only when the request certainly never left (name not resolved, connection refused, connect timeout) in
     * any attempt of the call. When true on a paid call, look the order up before placing it again under a new id.
     */
    public function mayHaveBeenSent(): bool
    {
        return $this->mayHaveBeenSent;
    }
}
