<?php

declare(strict_types=1);

namespace Inexopay\Tests\Unit;

use Inexopay\Exception\InexopayException;
use Inexopay\Exception\WebhookVerificationException;
use Inexopay\Webhook\PanApplicationEvent;
use Inexopay\Webhook\WebhookEvent;
use Inexopay\Webhook\WebhookVerifier;
use PHPUnit\Framework\TestCase;

/** Standard Webhooks checks, with signatures computed here independently of the verifier's own code. */
final class WebhookVerifierTest extends TestCase
{
    private const NOW = 1_800_000_000;
    private const ID = 'msg_2mXn8QyTtq3Kc';

    private string $secret;
    private string $otherSecret;

    protected function setUp(): void
    {
        $this->secret = 'whsec_' . base64_encode(random_bytes(32));
        $this->otherSecret = 'whsec_' . base64_encode(random_bytes(32));
    }

    private static function sign(string $secret, string $id, int $timestamp, string $body): string
    {
        $key = base64_decode(substr($secret, strlen('whsec_')), true);
        return 'v1,' . base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $key, true));
    }

    private function verifier(string|array|null $secrets = null, int $tolerance = 300): WebhookVerifier
    {
        return new WebhookVerifier($secrets ?? $this->secret, $tolerance, static fn () => self::NOW);
    }

    /** @return array<string, string> */
    private function headers(string $signature, int $timestamp = self::NOW, string $id = self::ID): array
    {
        return ['webhook-id' => $id, 'webhook-timestamp' => (string) $timestamp, 'webhook-signature' => $signature];
    }

    private static function flatBody(): string
    {
        return '{"type":"pan.application.succeeded","timestamp":"2027-01-15T04:30:00Z","order_id":"ORD1","status":"SUCCESS",'
            . '"reference":"881234567890123","refunded":false,"mode":"test"}';
    }

    public function testASignedFlatNotificationBecomesATypedPanApplicationEvent(): void
    {
        $body = self::flatBody();
        $event = $this->verifier()->verify($this->headers(self::sign($this->secret, self::ID, self::NOW, $body)), $body);

        self::assertInstanceOf(PanApplicationEvent::class, $event);
        self::assertSame([self::ID, 'pan.application.succeeded', self::NOW], [$event->id, $event->type, $event->sentAt]);
        self::assertSame(['ORD1', 'SUCCESS', '881234567890123', false, false],
            [$event->getOrderId(), $event->getStatus(), $event->getReference(), $event->wasRefunded(), $event->isLive()]);
        self::assertSame($body, $event->rawBody);
    }

    public function testTheStandardWebhooksLayoutWithADataObjectReadsTheSame(): void
    {
        $body = '{"type":"pan_application.updated","timestamp":"2027-01-15T04:30:00Z","data":{"order_id":"ORD2","status":"FAILED","refunded":true}}';
        $event = $this->verifier()->verify($this->headers(self::sign($this->secret, self::ID, self::NOW, $body)), $body);

        self::assertInstanceOf(PanApplicationEvent::class, $event);
        self::assertSame(['ORD2', 'FAILED', true], [$event->getOrderId(), $event->getStatus(), $event->wasRefunded()]);
        self::assertSame('2027-01-15T04:30:00Z', $event->timestamp);
    }

    public function testAnyOneOfSeveralSignaturesMayMatchDuringARotation(): void
    {
        $body = self::flatBody();
        $header = 'v1,' . base64_encode(random_bytes(32)) . ' ' . self::sign($this->otherSecret, self::ID, self::NOW, $body)
            . ' ' . self::sign($this->secret, self::ID, self::NOW, $body);

        self::assertSame(self::ID, $this->verifier()->verify($this->headers($header), $body)->id);
        // The receiver may hold both secrets while it moves to the new one.
        $onlyNew = self::sign($this->otherSecret, self::ID, self::NOW, $body);
        self::assertSame(self::ID, $this->verifier([$this->secret, $this->otherSecret])->verify($this->headers($onlyNew), $body)->id);
    }

    public function testAnAlteredBodyAnotherSecretOrAnotherIdDoesNotVerify(): void
    {
        $body = self::flatBody();
        $signature = self::sign($this->secret, self::ID, self::NOW, $body);
        $attempts = [
            'altered body' => fn () => $this->verifier()->verify($this->headers($signature), str_replace('SUCCESS', 'FAILED', $body)),
            'other secret' => fn () => $this->verifier($this->otherSecret)->verify($this->headers($signature), $body),
            'other id' => fn () => $this->verifier()->verify($this->headers($signature, self::NOW, 'msg_other'), $body),
            'other timestamp' => fn () => $this->verifier()->verify($this->headers($signature, self::NOW + 1), $body),
            'unknown version' => fn () => $this->verifier()->verify($this->headers('v2,' . substr($signature, 3)), $body),
            'no signature' => fn () => $this->verifier()->verify(['webhook-id' => self::ID, 'webhook-timestamp' => (string) self::NOW], $body),
        ];
        foreach ($attempts as $what => $attempt) {
            try {
                $attempt();
                self::fail("$what verified");
            } catch (WebhookVerificationException $e) {
                self::assertInstanceOf(InexopayException::class, $e);
                self::assertSame(0, $e->getHttpStatus());
            }
        }
    }

    public function testTimestampsOutsideTheToleranceAreRefusedEitherWay(): void
    {
        $body = self::flatBody();
        foreach ([self::NOW - 301, self::NOW + 301] as $timestamp) {
            try {
                $this->verifier()->verify($this->headers(self::sign($this->secret, self::ID, $timestamp, $body), $timestamp), $body);
                self::fail("timestamp $timestamp verified");
            } catch (WebhookVerificationException $e) {
                self::assertStringContainsString('replay', $e->getMessage());
            }
        }
        foreach ([self::NOW - 300, self::NOW + 300] as $timestamp) {
            $event = $this->verifier()->verify($this->headers(self::sign($this->secret, self::ID, $timestamp, $body), $timestamp), $body);
            self::assertSame($timestamp, $event->sentAt);
        }
        $late = self::NOW - 3600;
        $event = $this->verifier(null, 7200)->verify($this->headers(self::sign($this->secret, self::ID, $late, $body), $late), $body);
        self::assertSame($late, $event->sentAt);
    }

    public function testHeadersAreFoundInServerVariablesAndInAnyCase(): void
    {
        $body = self::flatBody();
        $signature = self::sign($this->secret, self::ID, self::NOW, $body);
        $server = ['HTTP_WEBHOOK_ID' => self::ID, 'HTTP_WEBHOOK_TIMESTAMP' => (string) self::NOW, 'HTTP_WEBHOOK_SIGNATURE' => $signature];
        self::assertSame(self::ID, $this->verifier()->verify($server, $body)->id);
        $psr7 = ['Webhook-Id' => [self::ID], 'Webhook-Timestamp' => [(string) self::NOW], 'Webhook-Signature' => [$signature]];
        self::assertSame(self::ID, $this->verifier()->verify($psr7, $body)->id);
    }

    public function testOtherEventTypesAreGenericEventsAndTheSignHelperMatches(): void
    {
        $body = '{"type":"wallet.topped_up","timestamp":"2027-01-15T04:30:00Z","data":{"amount":100.5}}';
        $verifier = $this->verifier();
        $event = $verifier->verify($this->headers($verifier->sign(self::ID, self::NOW, $body)), $body);
        self::assertSame(WebhookEvent::class, $event::class);
        self::assertSame(100.5, $event->data->amount);
        self::assertSame(self::sign($this->secret, self::ID, self::NOW, $body), $verifier->sign(self::ID, self::NOW, $body));
    }

    public function testABodyThatIsNotANotificationIsRefusedEvenWhenSigned(): void
    {
        foreach (['not json', '[1,2]', '{"no":"type"}'] as $body) {
            try {
                $this->verifier()->verify($this->headers(self::sign($this->secret, self::ID, self::NOW, $body)), $body);
                self::fail("'$body' verified");
            } catch (WebhookVerificationException $e) {
                self::assertSame($body, $e->getRawBody());
            }
        }
    }

    public function testASecretThatIsNotWhsecBase64IsRefusedAtOnce(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        new WebhookVerifier('whsec_***not base64***');
    }
}
