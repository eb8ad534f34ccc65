<?php

declare(strict_types=1);

namespace Inexopay\Tests\Integration;

use Inexopay\Client;
use Inexopay\Exception\ApiConnectionException;
use Inexopay\Exception\AuthenticationException;
use Inexopay\Exception\InexopayException;
use Inexopay\Exception\InsufficientBalanceException;
use Inexopay\Exception\IpNotWhitelistedException;
use Inexopay\Exception\PlanInactiveException;
use Inexopay\Exception\RateLimitedException;
use Inexopay\Exception\ServiceUnavailableException;
use Inexopay\Exception\UnexpectedResponseException;
use Inexopay\Tests\Support\FaultyTransport;
use Inexopay\Tests\Support\Fixtures;

/**
 * Every documented failure class is the same typed exception whichever endpoint family answered it (portal JSON,
 * balance.php's shape, the bank's status:false shape, HyperVerge's failure shape), with the HTTP status and raw body.
 */
final class ErrorsTest extends IntegrationTestCase
{
    /** @return array<string, callable(Client): mixed> one call per endpoint family and kind */
    private static function calls(): array
    {
        return [
            'check_status' => static fn (Client $c) => $c->account->checkStatus(),
            'balance' => static fn (Client $c) => $c->account->getBalance(),
            'verify_pan' => static fn (Client $c) => $c->verification->verifyPan(['pan' => 'ABCPV1234D', 'name' => 'Rahul Kumar Sharma', 'dob' => '15/05/1990']),
            'request_pan' => static fn (Client $c) => $c->panApplications->request(Fixtures::panApplication()),
            'pan_status' => static fn (Client $c) => $c->panApplications->getStatus(Fixtures::orderId()),
            'bank_onboarding' => static fn (Client $c) => $c->bank->onboardAgent(Fixtures::agent()),
            'bank_details' => static fn (Client $c) => $c->bank->getAccountDetails(Fixtures::freshPan()),
        ];
    }

    /**
     * @param class-string<InexopayException> $class
     * @param list<string>|null $only
     * @return array<string, InexopayException>
     */
    private function everyCallThrows(Client $client, string $class, int $status, ?array $only = null): array
    {
        $thrown = [];
        foreach (self::calls() as $name => $call) {
            if ($only !== null && !in_array($name, $only, true)) {
                continue;
            }
            $e = self::thrown($class, static fn () => $call($client));
            self::assertSame($status, $e->getHttpStatus(), $name);
            self::assertNotSame('', $e->getRawBody(), $name);
            self::assertIsArray($e->getBody(), "$name: the raw body is JSON");
            self::assertSame($e->getApiMessage(), $e->getMessage(), $name);
            $thrown[$name] = $e;
        }
        return $thrown;
    }

    public function testAWrongKeyIsAnAuthenticationError(): void
    {
        $main = Fixtures::account($this, 'main');
        $wrongKey = new Client($main['username'], Fixtures::account($this, 'broke')['test_key'], Fixtures::baseUrl($this), ['max_retries' => 0]);
        $errors = $this->everyCallThrows($wrongKey, AuthenticationException::class, 401);
        self::assertSame('Invalid API Key or Username', $errors['check_status']->getMessage());
        self::assertSame('Invalid Api Key or Username', $errors['balance']->getMessage());
        self::assertSame('Missing/Invalid credentials', $errors['verify_pan']->getMessage());
        self::assertSame('Invalid API key or username', $errors['bank_onboarding']->getMessage());
    }

    public function testALiveKeyFromAnUnboundAddressIsNotWhitelisted(): void
    {
        $errors = $this->everyCallThrows($this->client('foreign', 'live'), IpNotWhitelistedException::class, 403);
        foreach ($errors as $name => $e) {
            self::assertSame('127.0.0.1', $e->getYourIp(), $name);
        }
        self::assertSame('IP Address Not Whitelisted. Your IP: 127.0.0.1 does not match Bind IP: 203.0.113.7.', $errors['check_status']->getMessage());
        self::assertSame('User not authorized', $errors['verify_pan']->getMessage());
    }

    public function testASuspendedAccountIsInactive(): void
    {
        $errors = $this->everyCallThrows($this->client('suspended'), PlanInactiveException::class, 403);
        foreach ($errors as $name => $e) {
            self::assertSame(PlanInactiveException::ACCOUNT_INACTIVE, $e->getReason(), $name);
        }
        self::assertSame('User ID Deactivated', $errors['verify_pan']->getMessage());
    }

    public function testAnAccountWithoutAPlanOrWithAnExpiredOneIsRefused(): void
    {
        foreach ($this->everyCallThrows($this->client('no_plan'), PlanInactiveException::class, 403) as $name => $e) {
            self::assertSame(PlanInactiveException::NO_PLAN, $e->getReason(), $name);
        }
        $errors = $this->everyCallThrows($this->client('expired'), PlanInactiveException::class, 403);
        foreach ($errors as $name => $e) {
            self::assertSame(PlanInactiveException::PLAN_EXPIRED, $e->getReason(), $name);
        }
        self::assertSame('Your subscription plan has expired', $errors['check_status']->getMessage());
        self::assertSame('User validity has expired', $errors['verify_pan']->getMessage());
    }

    public function testAServiceOutsideThePlanIsRefused(): void
    {
        $client = $this->client('verify_only');
        self::assertSame('success', $client->verification->verifyPan(['pan' => 'ABCPV1234D', 'name' => 'Rahul Kumar Sharma', 'dob' => '15/05/1990'])->status);
        foreach ($this->everyCallThrows($client, PlanInactiveException::class, 403, ['request_pan', 'bank_onboarding']) as $name => $e) {
            self::assertSame(PlanInactiveException::SERVICE_NOT_IN_PLAN, $e->getReason(), $name);
        }
    }

    public function testAnEmptyWalletIsInsufficientBalanceAndNothingIsCharged(): void
    {
        $errors = $this->everyCallThrows($this->client('broke'), InsufficientBalanceException::class, 402, ['verify_pan', 'request_pan', 'bank_onboarding']);
        foreach ($errors as $name => $e) {
            self::assertSame(0.0, $e->getBalance(), $name);
            self::assertGreaterThan(0, $e->getRequired(), $name);
        }
        self::assertSame(0, $this->balancePaise('broke'));
    }

    public function testALiveServiceWithoutAProviderIsUnavailableAndFree(): void
    {
        $live = $this->client('main', 'live');
        $before = $live->account->getBalance()->balance;
        $errors = $this->everyCallThrows($live, ServiceUnavailableException::class, 503, ['verify_pan', 'request_pan', 'bank_onboarding']);
        self::assertSame('PAN verification is not configured for live mode', $errors['verify_pan']->getMessage());
        self::assertSame($before, $live->account->getBalance()->balance);
    }

    public function testOverThePlansRateTheCallIsRateLimitedWithRetryAfter(): void
    {
        $client = $this->client('limited');
        $this->exhaustRateLimit($client);
        foreach ($this->everyCallThrows($client, RateLimitedException::class, 429) as $name => $e) {
            self::assertThat($e->getRetryAfter(), self::logicalAnd(self::greaterThanOrEqual(1), self::lessThanOrEqual(60)), $name);
        }
    }

    public function testRetriesWaitForRetryAfterBeforeTryingAgain(): void
    {
        $slept = [];
        $transport = new FaultyTransport([]);
        $client = $this->client('limited', 'test', [
            'transport' => $transport, 'max_retries' => 2, 'max_retry_after' => 60,
            'sleep' => static function (float $seconds) use (&$slept): void {
                $slept[] = $seconds; // recorded, not slept: the window stays closed
            },
        ]);
        $this->exhaustRateLimit($client);
        $transport->log = [];

        $e = self::thrown(RateLimitedException::class, static fn () => $client->account->getBalance());
        self::assertSame([429, 429, 429], $transport->statuses());
        self::assertCount(2, $slept);
        foreach ($slept as $seconds) {
            self::assertGreaterThanOrEqual($e->getRetryAfter(), $seconds);
        }

        // A wait longer than max_retry_after is not slept through: the caller decides.
        $impatient = $this->client('limited', 'test', ['transport' => $transport, 'max_retries' => 2, 'max_retry_after' => 0]);
        $transport->log = [];
        self::thrown(RateLimitedException::class, static fn () => $impatient->account->getBalance());
        self::assertCount(1, $transport->log);
    }

    public function testNoAnswerIsAConnectionErrorAfterTheRetries(): void
    {
        $slept = [];
        $client = new Client('shop', 'ixp_test_x', 'http://127.0.0.1:9', [
            'max_retries' => 2, 'sleep' => static function (float $s) use (&$slept): void {
                $slept[] = $s;
            },
        ]);
        try {
            $client->account->getBalance();
            self::fail('no exception');
        } catch (ApiConnectionException $e) {
            self::assertSame(0, $e->getHttpStatus());
            self::assertFalse($e->mayHaveBeenSent(), 'a refused connection delivered nothing');
            self::assertStringContainsString('127.0.0.1:9', $e->getMessage());
        }
        self::assertCount(2, $slept);
    }

    public function testAnAnswerTheContractDoesNotDescribeIsUnexpected(): void
    {
        $client = new Client('shop', 'ixp_test_x', Fixtures::baseUrl($this) . '/not-inexopay', ['max_retries' => 0]);
        $e = self::thrown(UnexpectedResponseException::class, static fn () => $client->serverStatus());
        self::assertSame(404, $e->getHttpStatus());
    }

    /** Uses up the minute's requests of the 2-a-minute plan, starting early enough in the minute to test in it. */
    private function exhaustRateLimit(Client $client): void
    {
        if ((int) date('s') >= 50) {
            sleep(61 - (int) date('s')); // the server counts per clock minute; start the tests in a fresh one
        }
        $plain = $this->client('limited');
        for ($i = 0; $i < 10; $i++) {
            try {
                $plain->account->checkStatus();
            } catch (RateLimitedException) {
                return;
            }
        }
        self::fail('the limited plan never answered 429');
    }
}
