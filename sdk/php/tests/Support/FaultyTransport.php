<?php

declare(strict_types=1);

namespace Inexopay\Tests\Support;

use Inexopay\Exception\ApiConnectionException;
use Inexopay\Http\CurlTransport;
use Inexopay\Http\Request;
use Inexopay\Http\Response;
use Inexopay\Http\Transport;

/**
 * The real transport to a real server, with scripted faults for the first requests:
 * - LOSE_ANSWER: the request reaches the server (and is acted on), then the answer is dropped as by a timeout;
 * - REFUSE: the request never leaves (as a refused connection);
 * - BAD_GATEWAY: a proxy's 502 page; the server never sees the request.
 * Every request that went out, and what happened to it, is recorded.
 */
final class FaultyTransport implements Transport
{
    public const LOSE_ANSWER = 'lose_answer';
    public const REFUSE = 'refuse';
    public const BAD_GATEWAY = 'bad_gateway';

    /** @var list<array{request: Request, fault: ?string, status: ?int}> */
    public array $log = [];

    private readonly CurlTransport $inner;

    /** @param list<string> $faults one per request, in order; then requests pass */
    public function __construct(private array $faults)
    {
        $this->inner = new CurlTransport();
    }

    public function send(Request $request, float $timeoutSeconds, float $connectTimeoutSeconds): Response
    {
        $fault = array_shift($this->faults);
        switch ($fault) {
            case self::REFUSE:
                $this->log[] = ['request' => $request, 'fault' => $fault, 'status' => null];
                throw new ApiConnectionException('Connection refused (scripted)', false);
            case self::BAD_GATEWAY:
                $this->log[] = ['request' => $request, 'fault' => $fault, 'status' => 502];
                return new Response(502, ['content-type' => 'text/html'], '<html><body><h1>502 Bad Gateway</h1></body></html>');
            default:
                $response = $this->inner->send($request, $timeoutSeconds, $connectTimeoutSeconds);
                $this->log[] = ['request' => $request, 'fault' => $fault, 'status' => $response->status];
                if ($fault === self::LOSE_ANSWER) {
                    throw new ApiConnectionException('Operation timed out after the request was sent (scripted)', true);
                }
                return $response;
        }
    }

    /** @return list<?int> the status each request got (null: never sent) */
    public function statuses(): array
    {
        return array_map(static fn (array $entry) => $entry['status'], $this->log);
    }

    /** @return list<string> the paths requested, in order */
    public function paths(): array
    {
        return array_map(static fn (array $entry) => (string) parse_url($entry['request']->url, PHP_URL_PATH), $this->log);
    }
}
