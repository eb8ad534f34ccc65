<?php

declare(strict_types=1);

namespace Inexopay\Tests\Unit;

use Inexopay\ApiObject;
use Inexopay\Client;
use Inexopay\Http\CurlTransport;
use PHPUnit\Framework\TestCase;

final class ClientTest extends TestCase
{
    public function testTheClassesUnderTestAreTheInstalledCopyWhenOneIsGiven(): void
    {
        $autoload = getenv('INEXOPAY_AUTOLOAD');
        $expected = is_string($autoload) && $autoload !== ''
            ? dirname($autoload) . '/inexopay/inexopay-php/src/Client.php'
            : dirname(__DIR__, 2) . '/src/Client.php';
        self::assertSame(realpath($expected), realpath((string) (new \ReflectionClass(Client::class))->getFileName()));
    }

    public function testTheKeyDecidesTheMode(): void
    {
        self::assertSame('test', (new Client('shop1', 'ixp_test_abc', 'http://127.0.0.1:5080'))->getMode());
        self::assertSame('live', (new Client('shop1', 'ixp_live_abc', 'https://mail.inexopay.in/'))->getMode());
        self::assertNull((new Client('shop1', 'legacy-key', 'https://mail.inexopay.in'))->getMode());
    }

    /** @return iterable<string, array{0: callable(): mixed}> */
    public static function misconfigurations(): iterable
    {
        yield 'no username' => [static fn () => new Client('', 'ixp_test_x', 'https://mail.inexopay.in')];
        yield 'no key' => [static fn () => new Client('shop1', ' ', 'https://mail.inexopay.in')];
        yield 'not a URL' => [static fn () => new Client('shop1', 'ixp_test_x', 'mail.inexopay.in')];
        yield 'ftp' => [static fn () => new Client('shop1', 'ixp_test_x', 'ftp://mail.inexopay.in')];
        yield 'mistyped option' => [static fn () => new Client('shop1', 'ixp_test_x', 'https://mail.inexopay.in', ['max_retry' => 3])];
        yield 'negative retries' => [static fn () => new Client('shop1', 'ixp_test_x', 'https://mail.inexopay.in', ['max_retries' => -1])];
        yield 'zero timeout' => [static fn () => new Client('shop1', 'ixp_test_x', 'https://mail.inexopay.in', ['timeout' => 0])];
        yield 'transport of the wrong kind' => [static fn () => new Client('shop1', 'ixp_test_x', 'https://mail.inexopay.in', ['transport' => new \stdClass()])];
        yield 'TLS checks cannot be turned off' => [static fn () => new CurlTransport([CURLOPT_SSL_VERIFYPEER => false])];
    }

    /** @dataProvider misconfigurations */
    public function testMisconfigurationIsRefusedWhenTheClientIsMade(callable $make): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $make();
    }

    public function testParametersMustBeScalars(): void
    {
        $client = new Client('shop1', 'ixp_test_x', 'http://127.0.0.1:9');
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('"number"');
        $client->panApplications->request(['orderid' => 'A', 'number' => ['9876543210']]);
    }

    public function testAnswersAreReadOnlyObjectsOverTheDecodedJson(): void
    {
        $object = new ApiObject(['status' => true, 'data' => ['bcagentid' => 'INEXO0001'], 'accounts' => [['a' => 1], ['a' => 2]]]);
        self::assertSame('INEXO0001', $object->data->bcagentid);
        self::assertSame('INEXO0001', $object['data']['bcagentid']);
        self::assertSame(2, $object->accounts[1]->a);
        self::assertNull($object->missing);
        self::assertFalse(isset($object->missing));
        self::assertSame('{"status":true,"data":{"bcagentid":"INEXO0001"},"accounts":[{"a":1},{"a":2}]}', json_encode($object));
        $this->expectException(\LogicException::class);
        $object->status = false;
    }
}
