<?php

declare(strict_types=1);

namespace Inexopay\Internal;

use Inexopay\ApiObject;
use Inexopay\Endpoint;
use Inexopay\Exception\ApiConnectionException;
use Inexopay\Exception\DuplicateOrderException;
use Inexopay\Exception\InexopayException;
use Inexopay\Exception\RateLimitedException;
use Inexopay\Exception\ServerErrorException;
use Inexopay\Exception\UnexpectedResponseException;
use Inexopay\Http\Request;
use Inexopay\Http\Response;
use Inexopay\Http\Transport;

/**
 * Sends a call and applies the retry policy (README, "Retries"):
 *
 * - retried: no answer at all (network), a 5xx that says nothing about money, and a 429 whose Retry-After is at
 *   most `max_retry_after` seconds; at most `max_retries` times, with exponential backoff and jitter, never sooner
 *   than Retry-After;
 * - a paid call is retried with the same order id, so Inexopay's unique order id makes a second charge impossible;
 * - when such a retry answers 409 and an earlier attempt may have reached the server, the caller's resolver looks
 *   the order up and decides the outcome;
 * - never retried: any other 4xx, and a 5xx that reports a refund or an application state (the order is settled
 *   or pending; repeating it could only answer 409).
 *
 * @internal
 */
final class Requester
{
    /** @var callable(float): void */
    private $sleep;

    public function __construct(
        private readonly string $baseUrl,
        private readonly string $username,
        private readonly string $apiKey,
        private readonly Transport $transport,
        private readonly float $timeout,
        private readonly float $connectTimeout,
        private readonly int $maxRetries,
        private readonly float $maxRetryAfter,
        private readonly string $userAgent,
        callable $sleep,
    ) {
        $this->sleep = $sleep;
    }

    /**
     * A JSON call.
     *
     * @param array<string, scalar|null> $params
     * @param (callable(DuplicateOrderException): (ApiObject|string))|null $resolveOwnDuplicate
     */
    public function json(Endpoint $endpoint, array $params = [], ?string $orderId = null, ?callable $resolveOwnDuplicate = null): ApiObject
    {
        $result = $this->call($endpoint, $params, $orderId, $resolveOwnDuplicate);
        if (!$result instanceof Response) {
            return $result instanceof ApiObject ? $result : throw new \LogicException('A JSON call resolved to HTML.');
        }
        $values = $result->json();
        if ($values === null) {
            throw new UnexpectedResponseException(
                sprintf('Inexopay answered HTTP %d without the JSON object %s promises', $result->status, $endpoint->path),
                $result->status, $result->body, null, $result->headers);
        }
        return ApiObject::fromResponse($result, $values);
    }

    /**
     * A call whose success is an HTML page (the auto-submit form).
     *
     * @param array<string, scalar|null> $params
     * @param (callable(DuplicateOrderException): (ApiObject|string))|null $resolveOwnDuplicate
     */
    public function html(Endpoint $endpoint, array $params, ?string $orderId = null, ?callable $resolveOwnDuplicate = null): string
    {
        $result = $this->call($endpoint, $params, $orderId, $resolveOwnDuplicate);
        if (is_string($result)) {
            return $result;
        }
        if ($result instanceof Response && !$result->isJson() && stripos($result->body, '<form') !== false) {
            return $result->body;
        }
        $status = $result instanceof Response ? $result->status : 200;
        throw new UnexpectedResponseException(sprintf('Inexopay answered HTTP %d without the HTML form %s promises', $status, $endpoint->path),
            $status, $result instanceof Response ? $result->body : '', null, $result instanceof Response ? $result->headers : []);
    }

    /**
     * @param array<string, scalar|null> $params
     * @return Response|ApiObject|string a 2xx answer, or what the resolver made of a 409
     */
    private function call(Endpoint $endpoint, array $params, ?string $orderId, ?callable $resolveOwnDuplicate): Response|ApiObject|string
    {
        $request = $this->build($endpoint, $params);
        $mayHaveArrived = false; // did an earlier attempt of this call possibly reach the server?
        for ($attempt = 0; ; $attempt++) {
            try {
                $response = $this->transport->send($request, $this->timeout, $this->connectTimeout);
            } catch (ApiConnectionException $e) {
                if ($attempt >= $this->maxRetries) {
                    throw $mayHaveArrived && !$e->mayHaveBeenSent() ? new ApiConnectionException(
                        $e->getMessage() . ' (an earlier attempt may have reached Inexopay)', true, $e) : $e;
                }
                $mayHaveArrived = $mayHaveArrived || $e->mayHaveBeenSent();
                ($this->sleep)(self::backoff($attempt));
                continue;
            }
            if ($response->status >= 200 && $response->status < 300) {
                return $response;
            }

            $error = ErrorMapper::toException($endpoint, $response, $orderId);
            if ($error instanceof DuplicateOrderException && $mayHaveArrived && $resolveOwnDuplicate !== null) {
                return $resolveOwnDuplicate($error);
            }
            $delay = $this->retryDelay($error, $attempt);
            if ($delay === null) {
                throw $error;
            }
            // A 5xx was an answer: the request arrived and may have placed the order. A 429 placed nothing.
            $mayHaveArrived = $mayHaveArrived || $error instanceof ServerErrorException;
            ($this->sleep)($delay);
        }
    }

    /** Seconds to wait before retrying after $error, or null when it must not be retried. */
    private function retryDelay(InexopayException $error, int $attempt): ?float
    {
        if ($attempt >= $this->maxRetries) {
            return null;
        }
        $retryAfter = self::retryAfter($error);
        if ($error instanceof RateLimitedException) {
            return $retryAfter <= $this->maxRetryAfter ? max($retryAfter, self::backoff($attempt)) : null;
        }
        if ($error instanceof ServerErrorException) {
            return $retryAfter > $this->maxRetryAfter ? null : max($retryAfter, self::backoff($attempt));
        }
        return null;
    }

    /** Exponential backoff with jitter: 0.5 s, 1 s, 2 s … (capped at 8 s), each scaled by a random 50–100 %. */
    public static function backoff(int $attempt): float
    {
        $ceiling = min(8.0, 0.5 * (2 ** $attempt));
        return $ceiling * (0.5 + mt_rand() / mt_getrandmax() / 2);
    }

    private static function retryAfter(InexopayException $error): float
    {
        $value = $error->getHeaders()['retry-after'] ?? '';
        if (ctype_digit($value)) {
            return (float) $value;
        }
        $date = $value === '' ? false : strtotime($value);
        return $date === false ? 0.0 : max(0.0, (float) ($date - time()));
    }

    /** @param array<string, scalar|null> $params */
    private function build(Endpoint $endpoint, array $params): Request
    {
        foreach ($params as $name => $value) {
            if (!is_scalar($value) && $value !== null) {
                throw new \InvalidArgumentException(sprintf('Parameter "%s" of %s must be a string, number, boolean or null; got %s.',
                    $name, $endpoint->path, get_debug_type($value)));
            }
        }
        $url = $this->baseUrl . $endpoint->path;
        $headers = ['Accept' => 'application/json', 'User-Agent' => $this->userAgent];
        switch ($endpoint->family) {
            case Endpoint::PUBLIC:
                return new Request($endpoint->method, $url, $headers);
            case Endpoint::HYPERVERGE:
                if (preg_match('/[\x00-\x1f\x7f]/', (string) ($params['transactionId'] ?? '')) === 1) {
                    throw new \InvalidArgumentException('transactionId travels as a header: it cannot contain control characters or line breaks.');
                }
                $headers += [
                    'Content-Type' => 'application/json',
                    'appId' => $this->username,
                    'appKey' => $this->apiKey,
                    'transactionId' => (string) ($params['transactionId'] ?? ''),
                ];
                unset($params['transactionId']);
                $body = array_filter($params, static fn ($v) => $v !== null);
                return new Request('POST', $url, $headers, json_encode((object) $body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
            default:
                $headers['Content-Type'] = 'application/x-www-form-urlencoded';
                $fields = ['api_key' => $this->apiKey, 'username' => $this->username];
                foreach ($params as $name => $value) {
                    if ($value !== null) {
                        $fields[$name] = is_bool($value) ? ($value ? '1' : '0') : (string) $value;
                    }
                }
                return new Request('POST', $url, $headers, http_build_query($fields, '', '&', PHP_QUERY_RFC1738));
        }
    }
}
