<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/** 403: a live key was used from an address that is not bound to the account (test keys are not IP-bound). */
class IpNotWhitelistedException extends ForbiddenException
{
    /** The address Inexopay saw the request come from, when the answer says. */
    public function getYourIp(): ?string
    {
        $ip = $this->getBody()['your_ip'] ?? $this->getBody()['data']['your_ip'] ?? null;
        if (is_string($ip)) {
            return $ip;
        }
        return preg_match('/Your IP: ([0-9A-Fa-f:.]+)/', (string) $this->getApiMessage() . ' ' . (string) $this->field('reason', ''), $m) === 1
            ? rtrim($m[1], '.')
            : null;
    }
}
