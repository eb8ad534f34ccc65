<?php

declare(strict_types=1);

namespace Inexopay\Webhook;

use Inexopay\ApiObject;

/**
 * A verified notification. `type` names the change (e.g. pan.application.succeeded); `data` holds its fields. Both
 * payload layouts are read the same way: Standard Webhooks' `{"type", "timestamp", "data": {…}}` and the flat
 * `{"type", "timestamp", "order_id", …}` that servers before the change send.
 */
class WebhookEvent
{
    /** @param array<string, mixed> $payload */
    final public function __construct(
        public readonly string $id,
        public readonly string $type,
        public readonly int $sentAt,
        public readonly ?string $timestamp,
        public readonly ApiObject $data,
        public readonly array $payload,
        public readonly string $rawBody,
    ) {
    }

    /**
     * @internal
     * @param array<string, mixed> $payload
     */
    public static function from(string $id, int $sentAt, array $payload, string $rawBody): self
    {
        $type = (string) $payload['type'];
        $data = is_array($payload['data'] ?? null) ? $payload['data'] : array_diff_key($payload, ['type' => true, 'timestamp' => true]);
        $class = str_starts_with($type, 'pan.application') || str_starts_with($type, 'pan_application') ? PanApplicationEvent::class : self::class;
        $timestamp = is_string($payload['timestamp'] ?? null) ? $payload['timestamp'] : null;
        return new $class($id, $type, $sentAt, $timestamp, new ApiObject($data), $payload, $rawBody);
    }

    /** @return array<string, mixed> */
    public function toArray(): array
    {
        return ['id' => $this->id, 'type' => $this->type, 'timestamp' => $this->timestamp, 'data' => $this->data->toArray()];
    }
}
