<?php

declare(strict_types=1);

namespace Inexopay\Tests\Integration;

use Inexopay\ApiObject;
use Inexopay\Exception\DuplicateOrderException;
use Inexopay\Exception\ForbiddenException;
use Inexopay\Exception\InvalidParametersException;
use Inexopay\Exception\NotFoundException;
use Inexopay\Exception\ProviderFailureException;
use Inexopay\Tests\Support\FaultyTransport;
use Inexopay\Tests\Support\Fixtures;

/** $client->bank against the sandbox NSDL Payments Bank. */
final class BankTest extends IntegrationTestCase
{
    private function onboardedAgent(): array
    {
        $params = Fixtures::agent();
        $agent = $this->client()->bank->onboardAgent($params);
        return [$params, $agent];
    }

    public function testAnAgentIsOnboardedWithAGapFreeIdAndCharged(): void
    {
        $before = $this->balancePaise();
        [$params, $agent] = $this->onboardedAgent();

        self::assertSame([true, 'Agent onboarded successfully'], [$agent->status, $agent->message]);
        self::assertMatchesRegularExpression('/^INEXO\d{4,}$/', $agent->data->bcagentid);
        self::assertSame(['Rahul Kumar', 'Sharma Digital Seva', '9876543210', 'active', $params['order_id']],
            [$agent->data->agent_name, $agent->data->shop_name, $agent->data->mobile, $agent->data->status, $agent->data->order_id]);
        $fee = (int) round($agent->amount * 100);
        self::assertGreaterThan(0, $fee);
        self::assertSame($before - $fee, $this->balancePaise());

        // The same PAN again: that agent, uncharged.
        $again = $this->client()->bank->onboardAgent(Fixtures::agent(['pancard' => $params['pancard']]));
        self::assertSame(['Agent already onboarded', $agent->data->bcagentid, 0.0], [$again->message, $again->data->bcagentid, (float) $again->amount]);
        self::assertSame($before - $fee, $this->balancePaise());
    }

    public function testAnAccountIsOpenedThroughTheAgentAndFoundByStatusAndByPan(): void
    {
        [$agentParams, $agent] = $this->onboardedAgent();
        $customer = Fixtures::customer($agent->data->bcagentid, $agentParams['pancard']);
        $account = $this->client()->bank->openAccount($customer);

        self::assertSame([true, 'Account opened successfully'], [$account->status, $account->message]);
        self::assertMatchesRegularExpression('/^50\d{10}$/', $account->data->account_number);
        self::assertSame(['saving', 'Priya Anil Mehta', 'NSPB0000002', 'active', 'verified'],
            [$account->data->account_type, $account->data->customer_name, $account->data->ifsc_code, $account->data->status, $account->data->kyc_status]);
        self::assertIsFloat($account->commission);

        $status = $this->client()->bank->getStatus($customer['order_id']);
        self::assertSame(['Account status fetched', 'account_open', 'active', $account->data->account_number, $agent->data->bcagentid],
            [$status->message, $status->data->order_type, $status->data->account_status, $status->data->account_number, $status->data->bcagentid]);

        $agentStatus = $this->client()->bank->getStatus($agentParams['order_id']);
        self::assertSame(['agent_onboarding', 'active', $agent->data->bcagentid], [$agentStatus->data->order_type, $agentStatus->data->account_status, $agentStatus->data->bcagentid]);

        $details = $this->client()->bank->getAccountDetails($customer['pancard']);
        self::assertSame(['Account details fetched', $account->data->account_number, $customer['pancard'], '0.00'],
            [$details->message, $details->data->account_number, $details->data->pancard, $details->data->balance]);
        self::assertCount(1, $details->accounts);
        self::assertInstanceOf(ApiObject::class, $details->accounts[0]);
    }

    public function testInvalidParametersListEveryProblemAndChargeNothing(): void
    {
        $before = $this->balancePaise();
        $params = Fixtures::agent(['email' => 'not-an-email', 'pincode' => '12']);
        unset($params['shop_name']);
        $e = self::thrown(InvalidParametersException::class, fn () => $this->client()->bank->onboardAgent($params));

        self::assertSame([400, 'Missing required parameter: shop_name', 'shop_name'], [$e->getHttpStatus(), $e->getMessage(), $e->getField()]);
        self::assertSame(['shop_name', 'email', 'pincode'], array_keys($e->getErrors()));
        self::assertFalse($e->getBody()['status']);
        self::assertSame($before, $this->balancePaise());
    }

    public function testAnAgentWhosePanDoesNotMatchIsRefused(): void
    {
        [, $agent] = $this->onboardedAgent();
        $e = self::thrown(ForbiddenException::class,
            fn () => $this->client()->bank->openAccount(Fixtures::customer($agent->data->bcagentid, Fixtures::freshPan())));
        self::assertSame(403, $e->getHttpStatus());
        self::assertStringContainsString('agent_pancard does not match', $e->getMessage());
    }

    public function testARejectedAgentIsAProviderFailureThatWasRefunded(): void
    {
        $before = $this->balancePaise();
        $params = Fixtures::agent(['mobile' => '9000000012']);
        $e = self::thrown(ProviderFailureException::class, fn () => $this->client()->bank->onboardAgent($params));
        self::assertSame([422, true, $params['order_id']], [$e->getHttpStatus(), $e->wasRefunded(), $e->getOrderId()]);
        self::assertSame($before, $this->balancePaise());
    }

    public function testABankSystemErrorIsRefundedAndNotSentAgain(): void
    {
        $before = $this->balancePaise();
        $transport = new FaultyTransport([]);
        $client = $this->client('main', 'test', ['max_retries' => 3, 'transport' => $transport, 'sleep' => static function (): void {}]);
        $params = Fixtures::agent(['mobile' => '9000000013']);

        $e = self::thrown(ProviderFailureException::class, fn () => $client->bank->onboardAgent($params));
        self::assertSame([500, true], [$e->getHttpStatus(), $e->wasRefunded()]);
        self::assertSame([500], $transport->statuses(), 'a refunded 500 is final: sending it again could only answer 409');
        self::assertSame($before, $this->balancePaise());
    }

    public function testAPendingAgentAndAPendingKycAreReportedAsPending(): void
    {
        $pending = $this->client()->bank->onboardAgent(Fixtures::agent(['mobile' => '9000000011']));
        self::assertSame('pending', $pending->data->status);

        [$agentParams, $agent] = $this->onboardedAgent();
        $customer = Fixtures::customer($agent->data->bcagentid, $agentParams['pancard'], ['phone' => '9000000021']);
        $account = $this->client()->bank->openAccount($customer);
        self::assertSame(['pending', 'pending'], [$account->data->status, $account->data->kyc_status]);
        self::assertSame('pending', $this->client()->bank->getStatus($customer['order_id'])->data->kyc_status);
    }

    public function testUnknownOrdersAndPansAreNotFound(): void
    {
        $e = self::thrown(NotFoundException::class, fn () => $this->client()->bank->getStatus(Fixtures::orderId()));
        self::assertSame([404, 'No record found for this order_id'], [$e->getHttpStatus(), $e->getMessage()]);
        $e = self::thrown(NotFoundException::class, fn () => $this->client()->bank->getAccountDetails(Fixtures::freshPan()));
        self::assertSame([404, 'No account found for this pancard'], [$e->getHttpStatus(), $e->getMessage()]);
    }

    public function testAnOrderIdCanBeUsedOnce(): void
    {
        [$params] = $this->onboardedAgent();
        $e = self::thrown(DuplicateOrderException::class,
            fn () => $this->client()->bank->onboardAgent(Fixtures::agent(['order_id' => $params['order_id']])));
        self::assertSame([409, 'Duplicate order_id', $params['order_id'], false],
            [$e->getHttpStatus(), $e->getMessage(), $e->getOrderId(), $e->isOwnEarlierAttempt()]);
    }
}
