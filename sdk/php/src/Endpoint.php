<?php

declare(strict_types=1);

namespace Inexopay;

/** One endpoint of the Inexopay API as the SDK calls it. */
final class Endpoint
{
    /** How credentials and parameters travel. */
    public const FORM = 'form';              // INEXOPAY portal API: api_key + username + fields, form-encoded
    public const HYPERVERGE = 'hyperverge';  // NSDL PAN Direct: appId/appKey/transactionId headers, JSON body
    public const PUBLIC = 'public';          // no credentials

    /**
     * @param string $family one of the constants above
     * @param string|null $orderIdField the parameter (or header) carrying the caller's order id on a paid call
     */
    public function __construct(
        public readonly string $operation,
        public readonly string $method,
        public readonly string $path,
        public readonly string $family,
        public readonly bool $paid,
        public readonly bool $returnsHtml = false,
        public readonly ?string $orderIdField = null,
    ) {
    }
}
