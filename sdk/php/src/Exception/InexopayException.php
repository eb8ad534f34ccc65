<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/**
 * Base of every error the SDK throws. For an answer from Inexopay it carries the HTTP status (also the exception
 * code), the raw body exactly as received, the decoded JSON body when there was one, and the response headers.
 * Errors that never got an answer (network failures, a notification that does not verify) have status 0.
 */
class InexopayException extends \RuntimeException
{
    /**
     * @param array<string, mixed>|null $body decoded JSON body
     * @param array<string, string> $headers response headers, names in lower case
     */
    public function __construct(
        string $message,
        private readonly int $httpStatus = 0,
        private readonly string $rawBody = '',
        private readonly ?array $body = null,
        private readonly array $headers = [],
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $httpStatus, $previous);
    }

    public function getHttpStatus(): int
    {
        return $this->httpStatus;
    }

    public function getRawBody(): string
    {
        return $this->rawBody;
    }

    /** @return array<string, mixed>|null the JSON body, decoded; null when the body was not a JSON object */
    public function getBody(): ?array
    {
        return $this->body;
    }

    /** @return array<string, string> */
    public function getHeaders(): array
    {
        return $this->headers;
    }

    /** The `message` field of the body as Inexopay sent it (the contract's exact text), if any. */
    public function getApiMessage(): ?string
    {
        $message = $this->body['message'] ?? null;
        return is_string($message) ? $message : null;
    }

    /** A field of the JSON body, or $default. */
    protected function field(string $name, mixed $default = null): mixed
    {
        return $this->body[$name] ?? $default;
    }
}
