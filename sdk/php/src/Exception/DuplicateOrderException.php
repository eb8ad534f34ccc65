<?php

declare(strict_types=1);

namespace Inexopay\Exception;

use Inexopay\ApiObject;

/**
 * 409: the order id (or PAN verification transactionId) was used before by this account in this mode; nothing was
 * charged for this request.
 *
 * When the SDK retried a paid call after an attempt whose answer was lost (a timeout, a dropped connection, a 5xx
 * without an outcome), the 409 most likely means that lost attempt was placed. The SDK then looks the order up
 * (where the API has a status look-up) and either returns its state or throws this exception with
 * {@see isOwnEarlierAttempt()} true and the look-up's answer in {@see getExistingOrder()}.
 */
class DuplicateOrderException extends InexopayException
{
    private bool $ownEarlierAttempt = false;
    private ?ApiObject $existingOrder = null;

    /** @param array<string, mixed>|null $body */
    public function __construct(
        string $message,
        private readonly ?string $orderId,
        int $httpStatus = 409,
        string $rawBody = '',
        ?array $body = null,
        array $headers = [],
    ) {
        parent::__construct($message, $httpStatus, $rawBody, $body, $headers);
    }

    public function getOrderId(): ?string
    {
        return $this->orderId;
    }

    /** True when the order was placed by an earlier attempt of the same call whose answer was lost. */
    public function isOwnEarlierAttempt(): bool
    {
        return $this->ownEarlierAttempt;
    }

    /** The status look-up's answer for the order, when the SDK made one. */
    public function getExistingOrder(): ?ApiObject
    {
        return $this->existingOrder;
    }

    /** @internal used by the SDK's retry logic */
    public function withEarlierAttempt(string $message, ?ApiObject $existingOrder): self
    {
        $copy = new self($message, $this->orderId, $this->getHttpStatus(), $this->getRawBody(), $this->getBody(), $this->getHeaders());
        $copy->ownEarlierAttempt = true;
        $copy->existingOrder = $existingOrder;
        return $copy;
    }
}
