<?php

declare(strict_types=1);

namespace Inexopay\Tests\Support;

use PHPUnit\Framework\Assert;

/**
 * A reseller's notification endpoint: `php -S` on a free loopback port with receiver-router.php, which stores each
 * request (headers and raw body) in a temp directory and answers 200. Tests read what arrived.
 */
final class WebhookReceiver
{
    /** @var resource */
    private $process;
    private readonly string $dir;
    public readonly string $url;

    public function __construct()
    {
        $this->dir = sys_get_temp_dir() . '/inexopay-php-receiver-' . bin2hex(random_bytes(6));
        mkdir($this->dir);
        $port = self::freePort();
        $command = [PHP_BINARY, '-S', "127.0.0.1:$port", __DIR__ . '/receiver-router.php'];
        $process = proc_open($command, [0 => ['pipe', 'r'], 1 => ['file', $this->dir . '/server.log', 'a'], 2 => ['file', $this->dir . '/server.log', 'a']],
            $pipes, null, ['INEXOPAY_RECEIVER_DIR' => $this->dir] + getenv());
        Assert::assertIsResource($process, 'php -S did not start');
        $this->process = $process;
        $this->url = "http://127.0.0.1:$port/callback";
        $deadline = microtime(true) + 10;
        while (@fsockopen('127.0.0.1', $port) === false) {
            Assert::assertLessThan($deadline, microtime(true), 'php -S did not listen: ' . @file_get_contents($this->dir . '/server.log'));
            usleep(50_000);
        }
    }

    /** @return list<array{headers: array<string, string>, body: string}> */
    public function received(): array
    {
        $files = glob($this->dir . '/request-*.json') ?: [];
        sort($files);
        return array_map(static fn (string $f) => json_decode((string) file_get_contents($f), true, 512, JSON_THROW_ON_ERROR), $files);
    }

    /**
     * Waits (bounded: the bound only stops a broken test from hanging) for a notification matching $match.
     *
     * @param callable(array<string, mixed>): bool $match gets the decoded body
     * @return array{headers: array<string, string>, body: string}
     */
    public function waitFor(callable $match, string $what, float $timeoutSeconds = 30): array
    {
        $deadline = microtime(true) + $timeoutSeconds;
        while (true) {
            foreach ($this->received() as $request) {
                $body = json_decode($request['body'], true);
                if (is_array($body) && $match($body)) {
                    return $request;
                }
            }
            if (microtime(true) > $deadline) {
                Assert::fail("No notification arrived: $what. Received: " . count($this->received()));
            }
            usleep(50_000);
        }
    }

    public function stop(): void
    {
        if (is_resource($this->process)) {
            proc_terminate($this->process);
            proc_close($this->process);
        }
        array_map('unlink', glob($this->dir . '/*') ?: []);
        @rmdir($this->dir);
    }

    public function __destruct()
    {
        $this->stop();
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0', $errno, $error);
        Assert::assertNotFalse($socket, "no free port: $error");
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr((string) strrchr((string) $name, ':'), 1);
    }
}
