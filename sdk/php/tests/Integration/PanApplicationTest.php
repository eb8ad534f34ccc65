<?php

declare(strict_types=1);

namespace Inexopay\Tests\Integration;

use Inexopay\Exception\DuplicateOrderException;
use Inexopay\Exception\InsufficientBalanceException;
use Inexopay\Exception\InvalidParametersException;
use Inexopay\Exception\NotFoundException;
use Inexopay\Tests\Support\Fixtures;

/** $client->panApplications against the sandbox Protean portal and its magic mobiles. */
final class PanApplicationTest extends IntegrationTestCase
{
    /** @return array{action: string, fields: array<string, string>} the auto-submit form as a browser reads it */
    public static function form(string $html): array
    {
        $document = new \DOMDocument();
        self::assertTrue(@$document->loadHTML($html));
        $forms = $document->getElementsByTagName('form');
        self::assertSame(1, $forms->length, 'one form');
        $form = $forms->item(0);
        self::assertSame('post', strtolower($form->getAttribute('method')));
        self::assertSame('document.forms[0].submit()', $document->getElementsByTagName('body')->item(0)?->getAttribute('onload'));
        $fields = [];
        foreach ($form->getElementsByTagName('input') as $input) {
            $fields[$input->getAttribute('name')] = $input->getAttribute('value');
        }
        return ['action' => $form->getAttribute('action'), 'fields' => $fields];
    }

    public function testRequestReturnsTheFormThatTakesTheApplicantToThePortalAndStatusIsPending(): void
    {
        $before = $this->balancePaise();
        $params = Fixtures::panApplication();
        $html = $this->client()->panApplications->request($params);

        $form = self::form($html);
        self::assertStringEndsWith('/sandbox/protean/SpringBootFormHandling/newPanReq', $form['action']);
        self::assertArrayHasKey('req', $form['fields']);

        $status = $this->client()->panApplications->getStatus($params['orderid']);
        self::assertSame([200, 'PENDING', 'Transaction status fetched successfully', $params['orderid'], 'new_pan', 'EKYC', '', false],
            [$status->status_code, $status->status, $status->message, $status->order_id, $status->pan_type, $status->pan_mode, $status->reference, $status->refunded]);
        $fee = (int) round($status->amount * 100);
        self::assertSame($before - $fee, $this->balancePaise());
        self::assertSame($before - $fee, (int) round($status->balance * 100));
    }

    public function testACorrectionGoesToTheCorrectionPage(): void
    {
        $html = $this->client()->panApplications->request(Fixtures::panApplication(overrides: ['pan_type' => 'correction', 'pan_mode' => 'ESIGN']));
        self::assertStringEndsWith('/sandbox/protean/SpringBootFormHandling/crPanReq', self::form($html)['action']);
    }

    public function testAnApplicationThatCompletesAtOnceHasAnAcknowledgementNumber(): void
    {
        $params = Fixtures::panApplication('https://shop.example/pan/return', ['number' => '9000000001']);
        $form = self::form($this->client()->panApplications->request($params));
        self::assertSame('https://shop.example/pan/return', $form['action'], 'the applicant goes straight back to return_url');
        self::assertSame(['1', 'SUCCESS', $params['orderid']], [$form['fields']['txnStatus'], $form['fields']['status'], $form['fields']['orderid']]);

        $status = $this->client()->panApplications->getStatus($params['orderid']);
        self::assertSame('SUCCESS', $status->status);
        self::assertMatchesRegularExpression('/^\d{15}$/', $status->reference);
        self::assertSame($form['fields']['ackNo'], $status->reference);
    }

    public function testAnApplicationThatFailsAtOnceIsRefunded(): void
    {
        $before = $this->balancePaise();
        $params = Fixtures::panApplication(overrides: ['number' => '9000000002']);
        $this->client()->panApplications->request($params);

        $status = $this->client()->panApplications->getStatus($params['orderid']);
        self::assertSame(['FAILED', true], [$status->status, $status->refunded]);
        self::assertNotEmpty($status->failure_reason);
        self::assertSame($before, $this->balancePaise());
    }

    public function testAnIncompleteApplicationIsResumedWithAFormAndAFinishedOneIsNot(): void
    {
        $pending = Fixtures::panApplication(overrides: ['number' => '9000000003']);
        $this->client()->panApplications->request($pending);
        $form = self::form($this->client()->panApplications->resume($pending['orderid']));
        self::assertStringEndsWith('/sandbox/protean/SpringBootFormHandling/incompleteApplication', $form['action']);
        self::assertArrayHasKey('req', $form['fields']);

        $done = Fixtures::panApplication(overrides: ['number' => '9000000001']);
        $this->client()->panApplications->request($done);
        $e = self::thrown(NotFoundException::class, fn () => $this->client()->panApplications->resume($done['orderid']));
        self::assertSame([400, 'No PAN application found with this Order ID for your account', 'SUCCESS'],
            [$e->getHttpStatus(), $e->getMessage(), $e->getApplicationStatus()]);

        $e = self::thrown(NotFoundException::class, fn () => $this->client()->panApplications->resume(Fixtures::orderId()));
        self::assertNull($e->getApplicationStatus());
    }

    public function testAnUnknownOrderIsNotFound(): void
    {
        $e = self::thrown(NotFoundException::class, fn () => $this->client()->panApplications->getStatus(Fixtures::orderId()));
        self::assertSame([404, 'No PAN application found with this Order ID'], [$e->getHttpStatus(), $e->getMessage()]);
    }

    public function testInvalidParametersNameTheFieldAndChargeNothing(): void
    {
        $before = $this->balancePaise();
        $e = self::thrown(InvalidParametersException::class,
            fn () => $this->client()->panApplications->request(Fixtures::panApplication(overrides: ['pan_mode' => 'PAPER'])));
        self::assertSame([400, 'Missing or Invalid Parameters', 'pan_mode'], [$e->getHttpStatus(), $e->getMessage(), $e->getField()]);
        self::assertNotEmpty($e->getDetail());
        self::assertSame(['pan_mode' => $e->getDetail()], $e->getErrors());

        $missing = Fixtures::panApplication();
        unset($missing['return_url']);
        $e = self::thrown(InvalidParametersException::class, fn () => $this->client()->panApplications->request($missing));
        self::assertSame('return_url', $e->getField());
        self::assertSame($before, $this->balancePaise());
    }

    public function testAnOrderIdCanBeUsedOnce(): void
    {
        $params = Fixtures::panApplication();
        $this->client()->panApplications->request($params);
        $before = $this->balancePaise();

        $e = self::thrown(DuplicateOrderException::class, fn () => $this->client()->panApplications->request($params));
        self::assertSame([409, 'Duplicate Order ID', $params['orderid'], false], [$e->getHttpStatus(), $e->getMessage(), $e->getOrderId(), $e->isOwnEarlierAttempt()]);
        self::assertSame($before, $this->balancePaise());
    }

    public function testAnEmptyWalletCannotPay(): void
    {
        $e = self::thrown(InsufficientBalanceException::class, fn () => $this->client('broke')->panApplications->request(Fixtures::panApplication()));
        self::assertSame([402, 'Insufficient Balance', 0.0], [$e->getHttpStatus(), $e->getMessage(), $e->getBalance()]);
        self::assertGreaterThan(0, $e->getRequired());
    }
}
