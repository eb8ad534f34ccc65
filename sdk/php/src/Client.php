<?php

declare(strict_types=1);

namespace Inexopay;

use Inexopay\Http\CurlTransport;
use Inexopay\Http\Transport;
use Inexopay\Internal\Requester;
use Inexopay\Service\AccountService;
use Inexopay\Service\BankService;
use Inexopay\Service\PanApplicationService;
use Inexopay\Service\VerificationService;

/**
 * The Inexopay API client.
 *
 *     $client = new Inexopay\Client('shop1', 'ixp_test_…', 'https://mail.inexopay.in');
 *     echo $client->account->getBalance()->balance;
 *
 * The key decides the mode: an ixp_test_… key works against the sandbox and the test wallet, an ixp_live_… key
 * against the real providers and the live wallet. Options (all optional):
 *
 * - `timeout` (seconds, default 60) for a whole call, `connect_timeout` (default 10);
 * - `max_retries` (default 2): how many times a call is repeated after a network failure, a 5xx that says nothing
 *   about money, or a 429 (see the README, "Retries"); 0 turns retries off;
 * - `max_retry_after` (seconds, default 5): a 429 or 503 asking to wait longer than this is thrown at once;
 * - `transport`: a {@see Transport} to send requests with (default {@see CurlTransport});
 * - `curl_options`: extra CURLOPT_* settings for the default transport (a proxy, a CA bundle);
 * - `sleep`: callable(float $seconds) used to wait between retries (tests).
 */
final class Client
{
    public const VERSION = '0.1.0';

    private const OPTIONS = ['timeout', 'connect_timeout', 'max_retries', 'max_retry_after', 'transport', 'curl_options', 'sleep'];

    public readonly AccountService $account;
    public readonly VerificationService $verification;
    public readonly PanApplicationService $panApplications;
    public readonly BankService $bank;

    private readonly Requester $requester;

    /** @param array<string, mixed> $options */
    public function __construct(private readonly string $username, private readonly string $apiKey, string $baseUrl, array $options = [])
    {
        if (trim($username) === '' || trim($apiKey) === '') {
            throw new \InvalidArgumentException('Inexopay\Client needs a username and an API key (ixp_live_… or ixp_test_…).');
        }
        $baseUrl = rtrim(trim($baseUrl), '/');
        $scheme = strtolower((string) parse_url($baseUrl, PHP_URL_SCHEME));
        if (!in_array($scheme, ['http', 'https'], true) || parse_url($baseUrl, PHP_URL_HOST) === null) {
            throw new \InvalidArgumentException("The Inexopay base URL must be an http(s) URL such as https://mail.inexopay.in; got '$baseUrl'.");
        }
        $unknown = array_diff(array_keys($options), self::OPTIONS);
        if ($unknown !== []) {
            throw new \InvalidArgumentException('Unknown Inexopay\Client option(s): ' . implode(', ', $unknown) . '. Known: ' . implode(', ', self::OPTIONS) . '.');
        }

        $transport = $options['transport'] ?? new CurlTransport($options['curl_options'] ?? []);
        if (!$transport instanceof Transport) {
            throw new \InvalidArgumentException('The transport option must implement ' . Transport::class . '.');
        }
        $sleep = $options['sleep'] ?? static function (float $seconds): void {
            usleep((int) round($seconds * 1_000_000));
        };
        if (!is_callable($sleep)) {
            throw new \InvalidArgumentException('The sleep option must be callable(float $seconds).');
        }
        $this->requester = new Requester(
            $baseUrl,
            $username,
            $apiKey,
            $transport,
            self::positive($options, 'timeout', 60.0),
            self::positive($options, 'connect_timeout', 10.0),
            (int) self::positive($options, 'max_retries', 2, allowZero: true),
            self::positive($options, 'max_retry_after', 5.0, allowZero: true),
            sprintf('inexopay-php/%s PHP/%s curl/%s', self::VERSION, PHP_VERSION, curl_version()['version'] ?? '?'),
            $sleep,
        );
        $this->account = new AccountService($this->requester);
        $this->verification = new VerificationService($this->requester);
        $this->panApplications = new PanApplicationService($this->requester);
        $this->bank = new BankService($this->requester);
    }

    /** server-status.php (no credentials needed): `$s->status_label`, `$s->stats->uptime`, `$s->database`, `$s->providers`. */
    public function serverStatus(): ApiObject
    {
        return $this->requester->json(Endpoints::get(Endpoints::SERVER_STATUS));
    }

    /** "test" for an ixp_test_ key, "live" for an ixp_live_ key, null for a key of another form. */
    public function getMode(): ?string
    {
        return match (true) {
            str_starts_with($this->apiKey, 'ixp_test_') => 'test',
            str_starts_with($this->apiKey, 'ixp_live_') => 'live',
            default => null,
        };
    }

    public function getUsername(): string
    {
        return $this->username;
    }

    /** @param array<string, mixed> $options */
    private static function positive(array $options, string $name, float $default, bool $allowZero = false): float
    {
        $value = $options[$name] ?? $default;
        if (!is_int($value) && !is_float($value) || $value < 0 || (!$allowZero && $value == 0)) {
            throw new \InvalidArgumentException("The $name option must be a " . ($allowZero ? 'non-negative' : 'positive') . ' number.');
        }
        return (float) $value;
    }
}
