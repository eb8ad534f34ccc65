<?php

declare(strict_types=1);

namespace Inexopay\Webhook;

/** A PAN application's status changed; the same fields as pan_status.php, plus the event and the refund. */
final class PanApplicationEvent extends WebhookEvent
{
    public function getOrderId(): string
    {
        return (string) $this->data->order_id;
    }

    /** PENDING, SUCCESS or FAILED. */
    public function getStatus(): string
    {
        return (string) $this->data->status;
    }

    /** The 15-digit acknowledgement number once the application succeeded; "" before. */
    public function getReference(): string
    {
        return (string) $this->data->reference;
    }

    public function wasRefunded(): bool
    {
        return $this->data->refunded === true;
    }

    public function isLive(): bool
    {
        return $this->data->mode === 'live';
    }
}
