<?php

declare(strict_types=1);

namespace Inexopay\Http;

use Inexopay\Exception\ApiConnectionException;

/**
 * Sends one request. The default is {@see CurlTransport}; pass your own in the client's `transport` option (a proxy
 * setup, a recorder in tests). Any HTTP status is a {@see Response}; only a missing answer is an exception.
 */
interface Transport
{
    /** @throws ApiConnectionException when no answer arrived; say whether the request may have reached the server */
    public function send(Request $request, float $timeoutSeconds, float $connectTimeoutSeconds): Response;
}
