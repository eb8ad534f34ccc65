<?php

declare(strict_types=1);

namespace Inexopay\Tests\Support;

use Inexopay\Exception\ApiConnectionException;
use Inexopay\Http\Request;
use Inexopay\Http\Response;
use Inexopay\Http\Transport;

/** Answers from a script (responses, or exceptions to throw) and records every request: for tests without a server. */
final class ScriptedTransport implements Transport
{
    /** @var list<Request> */
    public array $requests = [];

    /** @param list<Response|ApiConnectionException> $script */
    public function __construct(private array $script)
    {
    }

    public static function json(int $status, array $body, array $headers = []): Response
    {
        return new Response($status, $headers + ['content-type' => 'application/json; charset=utf-8'], json_encode($body, JSON_THROW_ON_ERROR));
    }

    public function send(Request $request, float $timeoutSeconds, float $connectTimeoutSeconds): Response
    {
        $this->requests[] = $request;
        $next = array_shift($this->script) ?? throw new \LogicException('The script ran out: the SDK sent more requests than expected.');
        if ($next instanceof ApiConnectionException) {
            throw $next;
        }
        return $next;
    }
}
