<?php

declare(strict_types=1);

namespace Inexopay\Tests\Unit;

use Inexopay\Client;
use Inexopay\Exception\ApiConnectionException;
use Inexopay\Exception\DuplicateOrderException;
use Inexopay\Exception\InvalidParametersException;
use Inexopay\Exception\ProviderFailureException;
use Inexopay\Exception\RateLimitedException;
use Inexopay\Exception\ServerErrorException;
use Inexopay\Exception\ServiceUnavailableException;
use Inexopay\Http\Response;
use Inexopay\Internal\Requester;
use Inexopay\Tests\Support\ScriptedTransport;
use PHPUnit\Framework\TestCase;

/**
 * Which answers are retried, how long the SDK waits, and what it sends again. (The same policy against a real
 * server, with real charges, is pinned by Integration\RetryTest.)
 */
final class RetryPolicyTest extends TestCase
{
    /** @var list<float> */
    private array $slept = [];

    private function client(ScriptedTransport $transport, int $maxRetries = 2, float $maxRetryAfter = 5): Client
    {
        return new Client('shop1', 'ixp_test_key', 'https://api.example.test/', [
            'transport' => $transport,
            'max_retries' => $maxRetries,
            'max_retry_after' => $maxRetryAfter,
            'sleep' => function (float $seconds): void {
                $this->slept[] = $seconds;
            },
        ]);
    }

    private static function balance(): Response
    {
        return ScriptedTransport::json(200, ['status' => 'SUCCESS', 'error_code' => 200, 'message' => 'Balance fetched successfully', 'balance' => 1250.5]);
    }

    public function testBackoffGrowsExponentiallyWithJitterAndIsCapped(): void
    {
        foreach ([0 => 0.5, 1 => 1.0, 2 => 2.0, 3 => 4.0, 4 => 8.0, 9 => 8.0] as $attempt => $ceiling) {
            $seen = [];
            for ($i = 0; $i < 200; $i++) {
                $delay = Requester::backoff($attempt);
                self::assertGreaterThanOrEqual($ceiling / 2, $delay);
                self::assertLessThanOrEqual($ceiling, $delay);
                $seen[(string) round($delay, 3)] = true;
            }
            self::assertGreaterThan(20, count($seen), 'jitter spreads the delays');
        }
    }

    public function testNetworkFailuresAndUninformative5xxAreRetriedWithTheSameRequest(): void
    {
        $transport = new ScriptedTransport([
            new ApiConnectionException('refused', false),
            new Response(502, ['content-type' => 'text/html'], '<h1>502 Bad Gateway</h1>'),
            self::balance(),
        ]);
        self::assertSame(1250.5, $this->client($transport)->account->getBalance()->balance);

        self::assertCount(3, $transport->requests);
        self::assertSame($transport->requests[0]->body, $transport->requests[2]->body);
        self::assertCount(2, $this->slept);
        self::assertThat($this->slept[0], self::logicalAnd(self::greaterThanOrEqual(0.25), self::lessThanOrEqual(0.5)));
        self::assertThat($this->slept[1], self::logicalAnd(self::greaterThanOrEqual(0.5), self::lessThanOrEqual(1.0)));
    }

    public function testRetriesStopAfterMaxRetriesWithTheLastError(): void
    {
        $transport = new ScriptedTransport([new ApiConnectionException('a', true), new ApiConnectionException('b', true), new ApiConnectionException('c', true)]);
        try {
            $this->client($transport)->account->getBalance();
            self::fail('no exception');
        } catch (ApiConnectionException $e) {
            self::assertSame('c', $e->getMessage());
        }
        self::assertCount(3, $transport->requests);

        $once = new ScriptedTransport([new Response(500, [], 'oops')]);
        $this->expectException(ServerErrorException::class);
        $this->client($once, 0)->account->getBalance();
    }

    public function testAConnectionErrorSaysSoWhenAnyAttemptMayHaveArrived(): void
    {
        $transport = new ScriptedTransport([
            new ApiConnectionException('timed out after sending', true),
            new ApiConnectionException('connection refused', false),
            new ApiConnectionException('connection refused', false),
        ]);
        try {
            $this->client($transport)->bank->onboardAgent(['order_id' => 'A4']);
            self::fail('no exception');
        } catch (ApiConnectionException $e) {
            self::assertTrue($e->mayHaveBeenSent(), 'the first attempt may have placed the order');
            self::assertStringContainsString('earlier attempt may have reached Inexopay', $e->getMessage());
        }
    }

    public function testATransactionIdCannotSmuggleHeaders(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->client(new ScriptedTransport([]))->verification->verifyPan(
            ['pan' => 'ABCPV1234D', 'name' => 'A B', 'dob' => '01/01/1990', 'transactionId' => "T1\r\nappKey: other"]);
    }

    public function testRetryAfterIsHonouredAndALongerWaitIsThrownAtOnce(): void
    {
        $transport = new ScriptedTransport([
            ScriptedTransport::json(429, ['status' => 'FAILED', 'error_code' => 429, 'message' => 'Too Many Requests'], ['retry-after' => '3']),
            self::balance(),
        ]);
        $this->client($transport)->account->getBalance();
        self::assertSame([3.0], $this->slept);

        $tooLong = new ScriptedTransport([
            ScriptedTransport::json(429, ['status' => 'FAILED', 'error_code' => 429, 'message' => 'Too Many Requests'], ['retry-after' => '42']),
        ]);
        try {
            $this->client($tooLong)->account->getBalance();
            self::fail('no exception');
        } catch (RateLimitedException $e) {
            self::assertSame(42, $e->getRetryAfter());
            self::assertSame(429, $e->getHttpStatus());
        }
        self::assertCount(1, $tooLong->requests);

        $unavailable = new ScriptedTransport([
            ScriptedTransport::json(503, ['status' => false, 'error_code' => 503, 'message' => 'Database unavailable'], ['retry-after' => '2']),
            self::balance(),
        ]);
        $this->slept = [];
        $this->client($unavailable)->account->getBalance();
        self::assertSame([2.0], $this->slept);
    }

    public function testA5xxThatReportsTheMoneyOutcomeIsFinal(): void
    {
        $transport = new ScriptedTransport([ScriptedTransport::json(500,
            ['status' => false, 'error_code' => 500, 'message' => 'Bank system error. The fee has been refunded.', 'order_id' => 'A1', 'refunded' => true, 'balance' => 100])]);
        try {
            $this->client($transport)->bank->onboardAgent(['order_id' => 'A1', 'name' => 'X']);
            self::fail('no exception');
        } catch (ProviderFailureException $e) {
            self::assertTrue($e->wasRefunded());
            self::assertSame('A1', $e->getOrderId());
        }
        self::assertCount(1, $transport->requests);
        self::assertSame([], $this->slept);
    }

    public function testTheSharedPaymentObjectTellsAProviderFailureFromARefusal(): void
    {
        $charged = ['status' => false, 'error_code' => 422, 'message' => 'Rejected by the bank.',
            'payment' => ['fee' => 25.0, 'charged' => 25.0, 'refunded' => 25.0, 'balance' => 975.0]];
        $refused = ['status' => false, 'error_code' => 402, 'message' => 'Insufficient Balance',
            'payment' => ['fee' => 25.0, 'charged' => 0.0, 'refunded' => 0.0, 'balance' => 3.5]];
        $transport = new ScriptedTransport([ScriptedTransport::json(422, $charged), ScriptedTransport::json(402, $refused)]);
        $client = $this->client($transport);
        try {
            $client->bank->onboardAgent(['order_id' => 'A5']);
            self::fail('no exception');
        } catch (ProviderFailureException $e) {
            self::assertSame([true, 975.0], [$e->wasRefunded(), $e->getBalance()]);
        }
        try {
            $client->bank->onboardAgent(['order_id' => 'A6']);
            self::fail('no exception');
        } catch (\Inexopay\Exception\InsufficientBalanceException $e) {
            self::assertSame([25.0, 3.5], [$e->getRequired(), $e->getBalance()]);
        }
    }

    public function testClientErrorsAreNeverRetried(): void
    {
        $transport = new ScriptedTransport([ScriptedTransport::json(400,
            ['status_code' => 400, 'status' => 'FAILED', 'message' => 'Missing or Invalid Parameters', 'field' => 'number'])]);
        try {
            $this->client($transport)->panApplications->request(['orderid' => 'P1']);
            self::fail('no exception');
        } catch (InvalidParametersException $e) {
            self::assertSame('number', $e->getField());
        }
        self::assertCount(1, $transport->requests);
    }

    public function testA409OnTheFirstAttemptIsAPlainDuplicateWithoutALookUp(): void
    {
        $transport = new ScriptedTransport([ScriptedTransport::json(409, ['status' => false, 'error_code' => 409, 'message' => 'Duplicate order_id'])]);
        try {
            $this->client($transport)->bank->onboardAgent(['order_id' => 'A2']);
            self::fail('no exception');
        } catch (DuplicateOrderException $e) {
            self::assertFalse($e->isOwnEarlierAttempt());
            self::assertSame('A2', $e->getOrderId());
        }
        self::assertCount(1, $transport->requests);
    }

    public function testA409AfterA429IsNotMistakenForTheCallsOwnOrder(): void
    {
        $transport = new ScriptedTransport([
            ScriptedTransport::json(429, ['status' => false, 'error_code' => 429, 'message' => 'Too Many Requests'], ['retry-after' => '1']),
            ScriptedTransport::json(409, ['status' => false, 'error_code' => 409, 'message' => 'Duplicate order_id']),
        ]);
        try {
            $this->client($transport)->bank->onboardAgent(['order_id' => 'A3']);
            self::fail('no exception');
        } catch (DuplicateOrderException $e) {
            self::assertFalse($e->isOwnEarlierAttempt(), 'a 429 placed nothing, so the 409 is somebody else\'s order');
        }
        self::assertCount(2, $transport->requests);
    }

    public function testA409AfterARequestThatNeverLeftIsAPlainDuplicate(): void
    {
        $transport = new ScriptedTransport([
            new ApiConnectionException('could not resolve host', false),
            ScriptedTransport::json(409, ['message' => 'Duplicate Transaction ID entered', 'statusCode' => 409, 'status' => 'failure']),
        ]);
        try {
            $this->client($transport)->verification->verifyPan(['pan' => 'ABCPV1234D', 'name' => 'A B', 'dob' => '01/01/1990', 'transactionId' => 'T1']);
            self::fail('no exception');
        } catch (DuplicateOrderException $e) {
            self::assertFalse($e->isOwnEarlierAttempt());
        }
    }

    public function testFormCallsSendCredentialsAndFieldsFormEncodedAndVerificationSendsHeadersAndJson(): void
    {
        $transport = new ScriptedTransport([
            self::balance(),
            ScriptedTransport::json(200, ['status' => 'success', 'statusCode' => 200, 'result' => [], 'metaData' => ['transactionId' => 'T9']]),
            ScriptedTransport::json(200, ['status' => 'success']),
        ]);
        $client = $this->client($transport);
        $client->bank->getAccountDetails('AWTPL9929J');
        $client->verification->verifyPan(['pan' => 'ABCPV1234D', 'name' => 'Rahul', 'dob' => '15/05/1990', 'transactionId' => 'T9']);
        $client->serverStatus();

        [$form, $json, $public] = $transport->requests;
        self::assertSame(['POST', 'https://api.example.test/api/nsdl-bank/v1/account-details.php'], [$form->method, $form->url]);
        parse_str($form->body, $fields);
        self::assertSame(['api_key' => 'ixp_test_key', 'username' => 'shop1', 'pancard' => 'AWTPL9929J'], $fields);
        self::assertSame('application/x-www-form-urlencoded', $form->headers['Content-Type']);

        self::assertSame('https://api.example.test/v1/NSDLPanVerificationDirect', $json->url);
        self::assertSame(['shop1', 'ixp_test_key', 'T9', 'application/json'],
            [$json->headers['appId'], $json->headers['appKey'], $json->headers['transactionId'], $json->headers['Content-Type']]);
        self::assertSame(['pan' => 'ABCPV1234D', 'name' => 'Rahul', 'dob' => '15/05/1990'], json_decode($json->body, true));

        self::assertSame(['GET', ''], [$public->method, $public->body]);
        self::assertArrayNotHasKey('appKey', $public->headers);
    }

    public function testAMissingTransactionIdIsMadeOnceAndKeptAcrossRetries(): void
    {
        $transport = new ScriptedTransport([
            new Response(503, [], 'Service Unavailable'),
            ScriptedTransport::json(200, ['status' => 'success', 'statusCode' => 200]),
        ]);
        $this->client($transport)->verification->verifyPan(['pan' => 'ABCPV1234D', 'name' => 'Rahul', 'dob' => '15/05/1990']);
        [$first, $second] = $transport->requests;
        self::assertMatchesRegularExpression('/^ixp-php-[0-9a-f]{24}$/', $first->headers['transactionId']);
        self::assertSame($first->headers['transactionId'], $second->headers['transactionId']);
    }

    public function testANonJson503IsAServiceUnavailableError(): void
    {
        $transport = new ScriptedTransport([new Response(503, ['content-type' => 'text/html'], '<html><body>Service Unavailable</body></html>')]);
        try {
            $this->client($transport, 0)->account->checkStatus();
            self::fail('no exception');
        } catch (ServiceUnavailableException $e) {
            self::assertSame(503, $e->getHttpStatus());
            self::assertStringContainsString('Service Unavailable', $e->getMessage());
            self::assertNull($e->getBody());
        }
    }
}
