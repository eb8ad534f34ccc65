<?php

declare(strict_types=1);

namespace Inexopay\Tests\Integration;

use Inexopay\Client;
use Inexopay\Exception\DuplicateOrderException;
use Inexopay\Tests\Support\FaultyTransport;
use Inexopay\Tests\Support\Fixtures;

/**
 * Retries of paid calls against the real server: the same order id is sent again, so nothing is charged twice, and
 * when an answer was lost after the order was placed the 409 that follows is resolved by a status look-up.
 */
final class RetryTest extends IntegrationTestCase
{
    /** @param list<string> $faults */
    private function faulty(array $faults, ?FaultyTransport &$transport = null): Client
    {
        $transport = new FaultyTransport($faults);
        return $this->client('main', 'test', ['transport' => $transport, 'max_retries' => 2, 'sleep' => static function (): void {}]);
    }

    public function testALostPanApplicationAnswerIsResumedNotFiledTwice(): void
    {
        $before = $this->balancePaise();
        $params = Fixtures::panApplication();
        $html = $this->faulty([FaultyTransport::LOSE_ANSWER], $transport)->panApplications->request($params);

        // The first attempt was filed (its 200 lost), the retry got 409, the look-up found it PENDING, and the
        // applicant gets the resume form instead: same application, one fee.
        self::assertSame([200, 409, 200, 200], $transport->statuses());
        self::assertSame(['/api/nsdl-pan/v1/request_pan.php', '/api/nsdl-pan/v1/request_pan.php', '/api/nsdl-pan/v1/pan_status.php',
            '/api/nsdl-pan/v1/incomplete.php'], $transport->paths());
        self::assertStringEndsWith('/incompleteApplication', PanApplicationTest::form($html)['action']);
        $status = $this->client()->panApplications->getStatus($params['orderid']);
        self::assertSame('PENDING', $status->status);
        self::assertSame($before - (int) round($status->amount * 100), $this->balancePaise());
    }

    public function testALostAnswerOfAnApplicationAlreadyFinishedIsReportedWithItsStatus(): void
    {
        $params = Fixtures::panApplication(overrides: ['number' => '9000000001']);
        $client = $this->faulty([FaultyTransport::LOSE_ANSWER]);
        $e = self::thrown(DuplicateOrderException::class, static fn () => $client->panApplications->request($params));

        self::assertTrue($e->isOwnEarlierAttempt());
        self::assertSame(['SUCCESS', $params['orderid']], [$e->getExistingOrder()?->status, $e->getExistingOrder()?->order_id]);
        self::assertMatchesRegularExpression('/^\d{15}$/', $e->getExistingOrder()->reference);
    }

    public function testALostOnboardingAnswerIsRecoveredFromTheStatusLookUp(): void
    {
        $before = $this->balancePaise();
        $params = Fixtures::agent();
        $agent = $this->faulty([FaultyTransport::LOSE_ANSWER], $transport)->bank->onboardAgent($params);

        self::assertSame([200, 409, 200], $transport->statuses());
        self::assertTrue($agent->isFromStatusLookup());
        self::assertSame(['agent_onboarding', 'active', $params['order_id'], 'Rahul Kumar'],
            [$agent->data->order_type, $agent->data->account_status, $agent->data->order_id, $agent->data->agent_name]);
        self::assertMatchesRegularExpression('/^INEXO\d{4,}$/', $agent->data->bcagentid);

        // Exactly one fee: the same as a plain onboarding costs.
        $plain = $this->client()->bank->onboardAgent(Fixtures::agent());
        self::assertSame($before - 2 * (int) round($plain->amount * 100), $this->balancePaise());
    }

    public function testALostAccountOpeningAnswerIsRecoveredFromTheStatusLookUp(): void
    {
        $agentParams = Fixtures::agent();
        $agent = $this->client()->bank->onboardAgent($agentParams);
        $customer = Fixtures::customer($agent->data->bcagentid, $agentParams['pancard']);
        $account = $this->faulty([FaultyTransport::LOSE_ANSWER])->bank->openAccount($customer);

        self::assertTrue($account->isFromStatusLookup());
        self::assertSame(['account_open', 'active', 'verified', $agent->data->bcagentid],
            [$account->data->order_type, $account->data->account_status, $account->data->kyc_status, $account->data->bcagentid]);
        self::assertCount(1, $this->client()->bank->getAccountDetails($customer['pancard'])->accounts, 'one account, not two');
    }

    public function testALostVerificationAnswerCannotBeLookedUpAndSaysSo(): void
    {
        $before = $this->balancePaise();
        $transactionId = Fixtures::orderId('TXN');
        $client = $this->faulty([FaultyTransport::LOSE_ANSWER], $transport);
        $e = self::thrown(DuplicateOrderException::class, static fn () => $client->verification->verifyPan(
            ['pan' => 'ABCPV1234D', 'name' => 'Rahul Kumar Sharma', 'dob' => '15/05/1990', 'transactionId' => $transactionId]));

        self::assertTrue($e->isOwnEarlierAttempt());
        self::assertNull($e->getExistingOrder());
        self::assertStringContainsString('no status look-up', $e->getMessage());
        self::assertSame([200, 409], $transport->statuses());
        $fee = $before - $this->balancePaise();
        self::assertGreaterThan(0, $fee, 'the lost attempt was charged');
        $again = $this->client()->verification->verifyPan(['pan' => 'ABCPV1234D', 'name' => 'Rahul Kumar Sharma', 'dob' => '15/05/1990']);
        self::assertSame($fee, (int) round($again->charged * 100), 'charged once, not twice');
    }

    public function testARequestThatNeverLeftOrMetABadGatewayIsSimplySentAgain(): void
    {
        $before = $this->balancePaise();
        $params = Fixtures::agent();
        $agent = $this->faulty([FaultyTransport::REFUSE, FaultyTransport::BAD_GATEWAY], $transport)->bank->onboardAgent($params);

        self::assertSame([null, 502, 200], $transport->statuses());
        self::assertFalse($agent->isFromStatusLookup());
        self::assertSame('Agent onboarded successfully', $agent->message);
        self::assertSame($before - (int) round($agent->amount * 100), $this->balancePaise());
    }

    public function testAfterABadGatewayA409IsResolvedToo(): void
    {
        // A gateway may answer 502 after passing the request on: here the first attempt reached the server and the
        // answer was replaced by a 502 (LOSE_ANSWER then a proxy page is the same from the client's side).
        $params = Fixtures::panApplication(overrides: ['number' => '9000000003']);
        $html = $this->faulty([FaultyTransport::LOSE_ANSWER, FaultyTransport::BAD_GATEWAY], $transport)->panApplications->request($params);
        self::assertSame([200, 502, 409, 200, 200], $transport->statuses());
        self::assertStringEndsWith('/incompleteApplication', PanApplicationTest::form($html)['action']);
    }

    public function testReadsAreRetriedToo(): void
    {
        $status = $this->faulty([FaultyTransport::LOSE_ANSWER, FaultyTransport::BAD_GATEWAY], $transport)->account->checkStatus();
        self::assertSame([200, 502, 200], $transport->statuses());
        self::assertSame('SUCCESS', $status->status);
    }
}
