<?php

declare(strict_types=1);

namespace Inexopay\Tests\Integration;

use Inexopay\Exception\DuplicateOrderException;
use Inexopay\Exception\InvalidParametersException;
use Inexopay\Exception\ProviderFailureException;
use Inexopay\Tests\Support\Fixtures;

/** $client->verification->verifyPan() against the sandbox registry (README, "Sandbox test data"). */
final class VerificationTest extends IntegrationTestCase
{
    public function testARegisteredPanIsVerifiedAndCharged(): void
    {
        $before = $this->balancePaise();
        $transactionId = Fixtures::orderId('TXN');
        $result = $this->client()->verification->verifyPan([
            'pan' => 'ABCPV1234D', 'name' => 'Rahul Kumar Sharma', 'fatherName' => 'Suresh Kumar Sharma', 'dob' => '15/05/1990',
            'transactionId' => $transactionId,
        ]);

        self::assertSame(['success', 200], [$result->status, $result->statusCode]);
        self::assertSame(['ABCPV1234D', 'Existing and Valid', 'Operative PAN'], [$result->result->pan, $result->result->panStatus, $result->result->seedingStatus]);
        self::assertSame(100, $result->result->nameMatchScore);
        self::assertSame($transactionId, $result->metaData->transactionId);
        self::assertNotEmpty($result->metaData->requestId);
        $charged = (int) round($result->charged * 100);
        self::assertGreaterThan(0, $charged);
        self::assertSame($before - $charged, (int) round($result->balance * 100));
        self::assertSame($before - $charged, $this->balancePaise());
    }

    public function testNameMatchingIsReportedNotRefused(): void
    {
        $result = $this->client()->verification->verifyPan(['pan' => 'BNZPM2501F', 'name' => 'Sunil Verma', 'dob' => '01/01/1985']);
        self::assertSame(['Existing and Valid', 'Inoperative PAN'], [$result->result->panStatus, $result->result->seedingStatus]);
        self::assertLessThan(85, $result->result->nameMatchScore);
        self::assertMatchesRegularExpression('/^ixp-php-[0-9a-f]{24}$/', $result->metaData->transactionId, 'the SDK made a transactionId');
    }

    /** @return iterable<string, array{string, string, ?string}> */
    public static function invalidQueries(): iterable
    {
        yield 'pan' => ['pan', 'ABC', 'PAN Number invalid (too long, null, or special characters)'];
        yield 'name' => ['name', 'R@hul!!', 'Name of PAN holder is invalid (length or special chars)'];
        yield 'dob' => ['dob', '1990-05-15', 'Date of Birth format is incorrect it should be separated with slash (/) and in format of (DD/MM/YYYY) or Value is Null'];
        yield 'fatherName' => ['fatherName', 'S#resh', "Father's name is invalid (length or special chars)"];
    }

    /** @dataProvider invalidQueries */
    public function testEachInvalidFieldIsAnInvalidParametersErrorNamingIt(string $field, string $value, string $message): void
    {
        $before = $this->balancePaise();
        $query = ['pan' => 'ABCPV1234D', 'name' => 'Rahul Kumar Sharma', 'dob' => '15/05/1990', $field => $value];
        $e = self::thrown(InvalidParametersException::class, fn () => $this->client()->verification->verifyPan($query));

        self::assertSame([400, $message, $field], [$e->getHttpStatus(), $e->getMessage(), $e->getField()]);
        self::assertSame('failure', $e->getBody()['status']);
        self::assertSame($before, $this->balancePaise(), 'nothing charged');
    }

    /** @return iterable<string, array{string, int, string}> */
    public static function upstreamFailures(): iterable
    {
        yield 'system error' => ['AAAPZ5001S', 500, 'System Error'];
        yield 'authentication failure' => ['AAAPZ4011A', 401, 'Authentication Failure'];
        yield 'user not authorized' => ['AAAPZ4031U', 403, 'User not authorized'];
        yield 'user id does not exist' => ['AAAPZ4001W', 400, 'User ID does not exist in database, Wrong certificate used, or ID is invalid'];
    }

    /** @dataProvider upstreamFailures */
    public function testAnUpstreamFailureIsAProviderFailureThatWasRefunded(string $pan, int $status, string $message): void
    {
        $before = $this->balancePaise();
        $transactionId = Fixtures::orderId('TXN');
        // Retries on: a refunded failure is final, so the SDK must not send it again.
        $client = $this->client('main', 'test', ['max_retries' => 2]);
        $e = self::thrown(ProviderFailureException::class,
            fn () => $client->verification->verifyPan(['pan' => $pan, 'name' => 'Test Person', 'dob' => '01/01/1990', 'transactionId' => $transactionId]));

        self::assertSame([$status, $message, true, $transactionId], [$e->getHttpStatus(), $e->getMessage(), $e->wasRefunded(), $e->getOrderId()]);
        self::assertSame($before, $this->balancePaise(), 'charged and refunded');
        self::assertSame((float) $before / 100, $e->getBalance());
    }

    public function testATransactionIdCanBeUsedOnce(): void
    {
        $query = ['pan' => 'AAACI1234G', 'name' => 'Inexo Technologies Private Limited', 'dob' => '12/03/2015', 'transactionId' => Fixtures::orderId('TXN')];
        $this->client()->verification->verifyPan($query);
        $before = $this->balancePaise();

        $e = self::thrown(DuplicateOrderException::class, fn () => $this->client()->verification->verifyPan($query));
        self::assertSame([409, 'Duplicate Transaction ID entered', $query['transactionId'], false],
            [$e->getHttpStatus(), $e->getMessage(), $e->getOrderId(), $e->isOwnEarlierAttempt()]);
        self::assertSame($before, $this->balancePaise());
    }
}
