<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/** 402: the wallet of the key's mode cannot pay the fee; nothing was charged. Amounts are rupees. */
class InsufficientBalanceException extends InexopayException
{
    /** The fee the call needed, when the answer says (`amount`, `required` on PAN verification, or `payment.fee`). */
    public function getRequired(): ?float
    {
        $value = $this->field('required') ?? $this->field('amount') ?? $this->getBody()['payment']['fee'] ?? null;
        return is_numeric($value) ? (float) $value : null;
    }

    /** The wallet's balance, when the answer says. */
    public function getBalance(): ?float
    {
        $value = $this->field('balance') ?? $this->getBody()['payment']['balance'] ?? null;
        return is_numeric($value) ? (float) $value : null;
    }
}
