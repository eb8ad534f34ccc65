<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/**
 * 400: a parameter is missing or invalid; nothing was charged or changed. The message is Inexopay's; the field it
 * names comes from the answer (`field` on PAN applications, `errors` on bank calls, the documented message on PAN
 * verification).
 */
class InvalidParametersException extends InexopayException
{
    /** @param array<string, mixed>|null $body */
    public function __construct(
        string $message,
        private readonly ?string $fieldName,
        int $httpStatus = 400,
        string $rawBody = '',
        ?array $body = null,
        array $headers = [],
    ) {
        parent::__construct($message, $httpStatus, $rawBody, $body, $headers);
    }

    /** The parameter at fault (the first one when there are several), if the answer names it. */
    public function getField(): ?string
    {
        return $this->fieldName;
    }

    /** @return array<string, string> every problem by parameter name (bank calls list them all) */
    public function getErrors(): array
    {
        $errors = $this->field('errors');
        if (is_array($errors)) {
            return array_map('strval', $errors);
        }
        return $this->fieldName === null ? [] : [$this->fieldName => (string) ($this->field('detail') ?? $this->getMessage())];
    }

    /** The longer explanation some endpoints add (`detail`). */
    public function getDetail(): ?string
    {
        $detail = $this->field('detail');
        return is_string($detail) ? $detail : null;
    }
}
