<?php

declare(strict_types=1);

namespace Inexopay\Tests\Integration;

use Inexopay\Exception\WebhookVerificationException;
use Inexopay\Tests\Support\Fixtures;
use Inexopay\Tests\Support\WebhookReceiver;
use Inexopay\Webhook\PanApplicationEvent;
use Inexopay\Webhook\WebhookVerifier;

/** Real notifications from the server, received by a `php -S` endpoint and checked with WebhookVerifier. */
final class NotificationTest extends IntegrationTestCase
{
    private ?WebhookReceiver $receiver = null;

    protected function tearDown(): void
    {
        $this->receiver?->stop();
    }

    public function testEveryStatusChangeArrivesSignedAndVerifiesIntoATypedEvent(): void
    {
        $this->receiver = new WebhookReceiver();
        $params = Fixtures::panApplication($this->receiver->url, ['number' => '9000000001']);
        $this->client()->panApplications->request($params);
        $status = $this->client()->panApplications->getStatus($params['orderid']);

        $verifier = new WebhookVerifier(Fixtures::account($this, 'main')['webhook_secret']);
        $events = [];
        foreach (['PENDING', 'SUCCESS'] as $expected) {
            $notification = $this->receiver->waitFor(
                static fn (array $body) => ($body['data']['order_id'] ?? $body['order_id'] ?? null) === $params['orderid']
                    && ($body['data']['status'] ?? $body['status'] ?? null) === $expected,
                "$expected notification for {$params['orderid']}");
            $event = $verifier->verify($notification['headers'], $notification['body']);
            self::assertInstanceOf(PanApplicationEvent::class, $event);
            self::assertStringStartsWith('msg_', $event->id);
            self::assertSame([$params['orderid'], $expected, false], [$event->getOrderId(), $event->getStatus(), $event->isLive()]);
            $events[] = $event;
        }
        self::assertSame($status->reference, $events[1]->getReference());
        self::assertNotSame($events[0]->id, $events[1]->id);

        // Another account's secret, or an altered body, does not verify.
        $notification = $this->receiver->received()[0];
        $other = new WebhookVerifier(Fixtures::account($this, 'broke')['webhook_secret']);
        self::thrown(WebhookVerificationException::class, static fn () => $other->verify($notification['headers'], $notification['body']));
        self::thrown(WebhookVerificationException::class,
            static fn () => $verifier->verify($notification['headers'], str_replace('PENDING', 'SUCCESS', $notification['body'])));
    }
}
