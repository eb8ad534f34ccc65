<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/**
 * No such order, application or account for this account and mode (404), or nothing to resume (incomplete.php
 * answers 400 "No PAN application found with this Order ID for your account", also when the application exists
 * but is no longer PENDING: then {@see getApplicationStatus()} says what it became).
 */
class NotFoundException extends InexopayException
{
    public function getApplicationStatus(): ?string
    {
        $status = $this->field('application_status');
        return is_string($status) ? $status : null;
    }
}
