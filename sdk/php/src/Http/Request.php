<?php

declare(strict_types=1);

namespace Inexopay\Http;

/** One HTTP request as the SDK sends it; a {@see Transport} turns it into a {@see Response}. */
final class Request
{
    /** @param array<string, string> $headers */
    public function __construct(
        public readonly string $method,
        public readonly string $url,
        public readonly array $headers = [],
        public readonly string $body = '',
    ) {
    }
}
