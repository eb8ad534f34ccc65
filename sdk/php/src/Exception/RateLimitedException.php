<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/** 429: over the plan's requests per minute. Nothing was done; try again after {@see getRetryAfter()} seconds. */
class RateLimitedException extends InexopayException
{
    /** Seconds to wait, from the Retry-After header (0 when absent). */
    public function getRetryAfter(): int
    {
        $value = $this->getHeaders()['retry-after'] ?? '';
        return ctype_digit($value) ? (int) $value : 0;
    }
}
