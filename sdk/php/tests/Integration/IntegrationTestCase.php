<?php

declare(strict_types=1);

namespace Inexopay\Tests\Integration;

use Inexopay\Client;
use Inexopay\Exception\InexopayException;
use Inexopay\Tests\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/** Tests through real HTTP against a running Inexopay server (see Support\Fixtures). */
abstract class IntegrationTestCase extends TestCase
{
    protected function setUp(): void
    {
        Fixtures::load($this);
    }

    /** @param array<string, mixed> $options */
    protected function client(string $account = 'main', string $mode = 'test', array $options = []): Client
    {
        return Fixtures::client($this, $account, $mode, $options);
    }

    /** The test wallet's balance in paise (exact: amounts on the wire have two decimals). */
    protected function balancePaise(string $account = 'main'): int
    {
        return (int) round($this->client($account)->account->getBalance()->balance * 100);
    }

    /**
     * Runs $call, which must throw $class; returns the exception for more checks.
     *
     * @template T of InexopayException
     * @param class-string<T> $class
     * @return T
     */
    protected static function thrown(string $class, callable $call): InexopayException
    {
        try {
            $call();
        } catch (InexopayException $e) {
            self::assertSame($class, $e::class, sprintf('expected %s, got %s: %s (HTTP %d) %s', $class, $e::class, $e->getMessage(), $e->getHttpStatus(), $e->getRawBody()));
            self::assertSame($e->getHttpStatus(), $e->getCode());
            return $e;
        }
        self::fail("expected $class, but the call succeeded");
    }
}
