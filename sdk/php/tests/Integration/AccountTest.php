<?php

declare(strict_types=1);

namespace Inexopay\Tests\Integration;

use Inexopay\Tests\Support\Fixtures;

/** $client->account and $client->serverStatus() against the server. */
final class AccountTest extends IntegrationTestCase
{
    public function testCheckStatusDescribesTheAccountBehindTheKey(): void
    {
        $status = $this->client()->account->checkStatus();

        self::assertSame([200, 'SUCCESS', 'API Status Retrieved'], [$status->status_code, $status->status, $status->message]);
        self::assertSame('PHP SDK main', $status->data->owner_name);
        self::assertSame(['ACTIVE', 'Premium', 'test', 'MATCHED'],
            [$status->data->api_status, $status->data->plan_name, $status->data->mode, $status->data->ip_status]);
        self::assertSame('127.0.0.1', $status->data->your_ip);
        self::assertSame(200, $status->getLastResponse()?->status);
    }

    public function testTheLiveKeyFromABoundAddressSeesTheLiveWallet(): void
    {
        $live = $this->client('main', 'live');
        self::assertSame('live', $live->getMode());
        $status = $live->account->checkStatus();
        self::assertSame(['live', 'MATCHED'], [$status->data->mode, $status->data->ip_status]);
        $balance = $live->account->getBalance();
        self::assertSame(['SUCCESS', 200, 'live'], [$balance->status, $balance->error_code, $balance->mode]);
        self::assertSame(1000.0, (float) $balance->balance);
    }

    public function testGetBalanceAnswersTheTestWalletOfTheKey(): void
    {
        $account = Fixtures::account($this, 'main');
        $balance = $this->client()->account->getBalance();

        self::assertSame(['SUCCESS', 200, 'Balance fetched successfully', $account['username'], 'test'],
            [$balance->status, $balance->error_code, $balance->message, $balance->username, $balance->mode]);
        self::assertIsFloat($balance->balance, "rupees with two decimals on the wire decode as a float");
        self::assertGreaterThan(0, $balance->balance);
    }

    public function testServerStatusNeedsNoCredentials(): void
    {
        $client = new \Inexopay\Client('anyone', 'not-a-key', Fixtures::baseUrl($this));
        $status = $client->serverStatus();

        self::assertSame(['success', 'Online', 'Linux', 'up'], [$status->status, $status->status_label, $status->server_os, $status->database]);
        self::assertMatchesRegularExpression('/^\d+ days, \d\d:\d\d:\d\d$/', $status->stats->uptime);
        self::assertMatchesRegularExpression('/^\d+ms$/', $status->stats->response_speed);
        self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $status->timestamp);
    }
}
