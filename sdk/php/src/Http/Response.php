<?php

declare(strict_types=1);

namespace Inexopay\Http;

/** An HTTP answer: status, headers (names in lower case) and the raw body. */
final class Response
{
    /** @param array<string, string> $headers */
    public function __construct(
        public readonly int $status,
        public readonly array $headers,
        public readonly string $body,
    ) {
    }

    public function header(string $name): ?string
    {
        return $this->headers[strtolower($name)] ?? null;
    }

    public function isJson(): bool
    {
        return str_contains(strtolower($this->header('content-type') ?? ''), 'json');
    }

    /** @return array<string, mixed>|null the body when it is a JSON object */
    public function json(): ?array
    {
        if ($this->body === '') {
            return null;
        }
        try {
            $decoded = json_decode($this->body, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException) {
            return null;
        }
        return is_array($decoded) && ($decoded === [] || !array_is_list($decoded)) ? $decoded : null;
    }
}
