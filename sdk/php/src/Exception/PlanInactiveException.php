<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/**
 * 403: the account may not use the service right now. {@see getReason()} tells which of the documented causes:
 * the account is suspended, it has no plan, its plan has expired, or the plan does not include this service.
 */
class PlanInactiveException extends ForbiddenException
{
    public const ACCOUNT_INACTIVE = 'account_inactive';
    public const NO_PLAN = 'no_plan';
    public const PLAN_EXPIRED = 'plan_expired';
    public const SERVICE_NOT_IN_PLAN = 'service_not_in_plan';

    /** @param array<string, mixed>|null $body */
    public function __construct(
        string $message,
        private readonly string $reason,
        int $httpStatus = 403,
        string $rawBody = '',
        ?array $body = null,
        array $headers = [],
    ) {
        parent::__construct($message, $httpStatus, $rawBody, $body, $headers);
    }

    /** One of the class constants. */
    public function getReason(): string
    {
        return $this->reason;
    }
}
