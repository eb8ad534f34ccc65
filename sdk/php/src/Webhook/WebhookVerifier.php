<?php

declare(strict_types=1);

namespace Inexopay\Webhook;

use Inexopay\Exception\WebhookVerificationException;

/**
 * Checks an Inexopay notification as Standard Webhooks (https://www.standardwebhooks.com) defines it, then reads
 * it into a typed event:
 *
 * - `webhook-signature` holds one or more space-separated `v1,<base64>` signatures (several while a secret is being
 *   rotated); one must equal HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}" keyed with the base64
 *   part of the `whsec_` secret, compared in constant time (hash_equals);
 * - `webhook-timestamp` (unix seconds) must be within the tolerance (default 5 minutes) of now, either way, so a
 *   captured notification cannot be replayed later. Remember `webhook-id`s you have handled to drop duplicates:
 *   a notification is retried until you answer 2xx.
 *
 *     $verifier = new WebhookVerifier(getenv('INEXOPAY_WEBHOOK_SECRET'));
 *     $event = $verifier->verifyRequest();          // or ->verify(getallheaders(), file_get_contents('php://input'))
 *
 * Verify the raw body exactly as received: decoding and re-encoding the JSON changes it.
 */
final class WebhookVerifier
{
    public const DEFAULT_TOLERANCE_SECONDS = 300;

    /** @var list<string> raw HMAC keys */
    private readonly array $keys;

    /** @var callable(): int */
    private $clock;

    /**
     * @param string|list<string> $secrets your `whsec_…` secret; give several while you move to a new one
     * @param (callable(): int)|null $clock unix seconds now (tests)
     */
    public function __construct(string|array $secrets, private readonly int $toleranceSeconds = self::DEFAULT_TOLERANCE_SECONDS, ?callable $clock = null)
    {
        $keys = [];
        foreach ((array) $secrets as $secret) {
            $encoded = str_starts_with((string) $secret, 'whsec_') ? substr((string) $secret, 6) : (string) $secret;
            $key = base64_decode($encoded, true);
            if ($key === false || $key === '') {
                throw new \InvalidArgumentException('A webhook secret is whsec_ followed by base64 (as shown when the account was created).');
            }
            $keys[] = $key;
        }
        if ($keys === []) {
            throw new \InvalidArgumentException('WebhookVerifier needs at least one secret.');
        }
        if ($toleranceSeconds < 1) {
            throw new \InvalidArgumentException('The timestamp tolerance must be at least one second.');
        }
        $this->keys = $keys;
        $this->clock = $clock ?? time(...);
    }

    /**
     * @param array<string, string|list<string>> $headers getallheaders(), $_SERVER, or a PSR-7 request's getHeaders()
     * @throws WebhookVerificationException when the notification must not be trusted
     */
    public function verify(array $headers, string $payload): WebhookEvent
    {
        $headers = self::normalise($headers);
        $id = $headers['webhook-id'] ?? '';
        $timestamp = $headers['webhook-timestamp'] ?? '';
        $signatures = $headers['webhook-signature'] ?? '';
        if ($id === '' || $timestamp === '' || $signatures === '') {
            throw new WebhookVerificationException('Not a signed notification: webhook-id, webhook-timestamp and webhook-signature are required.', $payload);
        }
        if (!ctype_digit($timestamp)) {
            throw new WebhookVerificationException('webhook-timestamp must be unix seconds.', $payload);
        }
        if (abs(($this->clock)() - (int) $timestamp) > $this->toleranceSeconds) {
            throw new WebhookVerificationException(sprintf('webhook-timestamp is more than %d seconds from now: refused as a possible replay.', $this->toleranceSeconds), $payload);
        }

        $signed = $id . '.' . $timestamp . '.' . $payload;
        $expected = array_map(static fn (string $key) => base64_encode(hash_hmac('sha256', $signed, $key, true)), $this->keys);
        $matched = false;
        foreach (preg_split('/ +/', trim($signatures)) ?: [] as $candidate) {
            [$version, $signature] = array_pad(explode(',', $candidate, 2), 2, '');
            if ($version !== 'v1') {
                continue;
            }
            foreach ($expected as $mine) {
                // Keep comparing after a match: the time taken must not depend on where the signature was found.
                $matched = hash_equals($mine, $signature) || $matched;
            }
        }
        if (!$matched) {
            throw new WebhookVerificationException('No webhook-signature matches this body and secret.', $payload);
        }

        try {
            $decoded = json_decode($payload, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $e) {
            throw new WebhookVerificationException('The signed body is not JSON: ' . $e->getMessage(), $payload);
        }
        if (!is_array($decoded) || !is_string($decoded['type'] ?? null)) {
            throw new WebhookVerificationException('The signed body is not a notification object with a type.', $payload);
        }
        return WebhookEvent::from($id, (int) $timestamp, $decoded, $payload);
    }

    /** Verifies the notification of the current PHP request (headers from getallheaders() or $_SERVER, body from php://input). */
    public function verifyRequest(): WebhookEvent
    {
        $headers = function_exists('getallheaders') ? (getallheaders() ?: $_SERVER) : $_SERVER;
        return $this->verify($headers, (string) file_get_contents('php://input'));
    }

    /** The header value Inexopay sends for this message under the first secret (to test your handler). */
    public function sign(string $id, int $timestamp, string $payload): string
    {
        return 'v1,' . base64_encode(hash_hmac('sha256', $id . '.' . $timestamp . '.' . $payload, $this->keys[0], true));
    }

    /**
     * @param array<string, mixed> $headers
     * @return array<string, string> lower-case dashed names; $_SERVER's HTTP_WEBHOOK_ID becomes webhook-id
     */
    private static function normalise(array $headers): array
    {
        $normalised = [];
        foreach ($headers as $name => $value) {
            $name = strtolower(str_replace('_', '-', (string) $name));
            if (str_starts_with($name, 'http-')) {
                $name = substr($name, 5);
            }
            $normalised[$name] = is_array($value) ? implode(' ', array_map('strval', $value)) : trim((string) $value);
        }
        return $normalised;
    }
}
