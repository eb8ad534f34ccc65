<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/**
 * The upstream provider (Protean/NSDL, HyperVerge, NSDL Payments Bank) failed or refused a paid call after the fee
 * was charged. {@see wasRefunded()} tells whether the fee has already been returned to the wallet. When it has not,
 * the outcome is still open ({@see getApplicationStatus()} is PENDING for a PAN application): poll the status;
 * Inexopay refunds automatically if the provider never filed the order.
 */
class ProviderFailureException extends InexopayException
{
    public function wasRefunded(): bool
    {
        $refunded = $this->field('refunded') ?? $this->getBody()['payment']['refunded'] ?? null;
        // Bank and PAN applications say true/false; PAN verification gives the refunded amount ("1.50" or 0).
        return is_bool($refunded) ? $refunded : (is_numeric($refunded) && (float) $refunded > 0);
    }

    public function getOrderId(): ?string
    {
        $id = $this->getBody()['order_id'] ?? $this->getBody()['metaData']['transactionId'] ?? null;
        return is_string($id) ? $id : null;
    }

    /** PAN applications: the application's state after the failure (FAILED, or PENDING while it is unknown). */
    public function getApplicationStatus(): ?string
    {
        $status = $this->field('application_status');
        return is_string($status) ? $status : null;
    }

    /** The wallet balance after the failure (and refund), when the answer says. */
    public function getBalance(): ?float
    {
        $value = $this->field('balance') ?? $this->getBody()['payment']['balance'] ?? null;
        return is_numeric($value) ? (float) $value : null;
    }
}
