<?php

declare(strict_types=1);

namespace Inexopay\Tests\Support;

use Inexopay\Client;
use PHPUnit\Framework\Assert;
use PHPUnit\Framework\TestCase;

/**
 * The server and accounts the integration tests run against, from INEXOPAY_TEST_FIXTURES (JSON):
 *
 *     {"base_url": "http://127.0.0.1:41234",
 *      "accounts": {"main": {"username": …, "test_key": …, "live_key": …, "webhook_secret": …}, "broke": {…}, …}}
 *
 * Accounts: main (Premium, bound to loopback), broke (test wallet empty), suspended, no_plan, expired (plan ended),
 * limited (2 requests a minute), verify_only (a plan with PAN verification only), foreign (bound to 203.0.113.7).
 * The .NET spec PhpSdkSpec creates them with the operator CLI and runs phpunit. Without the variable the
 * integration tests are skipped, except under CI=true, where they fail.
 */
final class Fixtures
{
    /** @var array<string, mixed>|null */
    private static ?array $fixtures = null;

    /** @return array<string, mixed> */
    public static function load(TestCase $test): array
    {
        if (self::$fixtures !== null) {
            return self::$fixtures;
        }
        $json = getenv('INEXOPAY_TEST_FIXTURES');
        if (!is_string($json) || $json === '') {
            if (getenv('CI') === 'true') {
                Assert::fail('CI=true but INEXOPAY_TEST_FIXTURES is not set: the integration tests need a running server (run them through dotnet test).');
            }
            $test->markTestSkipped('INEXOPAY_TEST_FIXTURES is not set: integration tests run from `dotnet test` (PhpSdkSpec), which starts a server.');
        }
        return self::$fixtures = json_decode($json, true, 512, JSON_THROW_ON_ERROR);
    }

    public static function baseUrl(TestCase $test): string
    {
        return self::load($test)['base_url'];
    }

    /** @return array{username: string, test_key: string, live_key: string, webhook_secret: string} */
    public static function account(TestCase $test, string $name): array
    {
        return self::load($test)['accounts'][$name] ?? Assert::fail("No fixture account '$name'");
    }

    /** @param array<string, mixed> $options */
    public static function client(TestCase $test, string $account = 'main', string $mode = 'test', array $options = []): Client
    {
        $a = self::account($test, $account);
        return new Client($a['username'], $mode === 'live' ? $a['live_key'] : $a['test_key'], self::baseUrl($test), $options + ['max_retries' => 0]);
    }

    public static function orderId(string $prefix = 'PHP'): string
    {
        return $prefix . strtoupper(bin2hex(random_bytes(6)));
    }

    /** A PAN of a person nobody has onboarded yet: 5 letters (4th P), 4 digits, 1 letter. */
    public static function freshPan(): string
    {
        $letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
        $pick = static fn () => $letters[random_int(0, 25)];
        return $pick() . $pick() . $pick() . 'P' . $pick() . sprintf('%04d', random_int(0, 9999)) . $pick();
    }

    /** @return array<string, string> onboarding.php parameters for a new agent */
    public static function agent(array $overrides = []): array
    {
        return $overrides + [
            'order_id' => self::orderId('AGT'),
            'shop_name' => 'Sharma Digital Seva',
            'name' => 'Rahul Kumar',
            'email' => 'rahul@example.com',
            'mobile' => '9876543210',
            'date_of_birth' => '1990-05-15',
            'address' => 'Shop 4, Station Road',
            'state_name' => 'Uttar Pradesh',
            'city_name' => 'Mathura',
            'pincode' => '281001',
            'pancard' => self::freshPan(),
        ];
    }

    /** @return array<string, string> account-open.php parameters through the given agent */
    public static function customer(string $bcagentid, string $agentPan, array $overrides = []): array
    {
        return $overrides + [
            'order_id' => self::orderId('ACC'),
            'account_type' => 'saving',
            'bcagentid' => $bcagentid,
            'agent_pancard' => $agentPan,
            'first_name' => 'Priya',
            'middle_name' => 'Anil',
            'last_name' => 'Mehta',
            'email' => 'priya@example.com',
            'phone' => '9876501234',
            'pancard' => self::freshPan(),
            'pincode' => '400001',
        ];
    }

    /** @return array<string, string> request_pan.php parameters */
    public static function panApplication(string $returnUrl = 'http://127.0.0.1:9/callback', array $overrides = []): array
    {
        return $overrides + [
            'orderid' => self::orderId('PAN'),
            'number' => '9876543210',
            'pan_mode' => 'EKYC',
            'pan_type' => 'new_pan',
            'return_url' => $returnUrl,
        ];
    }
}
