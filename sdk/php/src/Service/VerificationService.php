<?php

declare(strict_types=1);

namespace Inexopay\Service;

use Inexopay\ApiObject;
use Inexopay\Endpoints;
use Inexopay\Exception\DuplicateOrderException;
use Inexopay\Internal\Requester;

/** PAN verification, the HyperVerge NSDL PAN Direct contract (POST /v1/NSDLPanVerificationDirect). Paid. */
final class VerificationService
{
    /** @internal */
    public function __construct(private readonly Requester $requester)
    {
    }

    /**
     * Verifies a PAN against the registry. `$params`: `pan`, `name`, `dob` (DD/MM/YYYY), optional `fatherName`, and
     * optional `transactionId` (the contract's header: unique per verification; the SDK makes one when it is
     * missing — read it back from `$result->metaData->transactionId`).
     *
     * `$result->result->panStatus`, `->name` / `->fathername` / `->dob` ("MATCHING" or "NOT MATCHING"),
     * `->seedingStatus`, `->nameMatchScore`; `$result->charged` and `->balance` (rupees).
     *
     * @param array{pan: string, name: string, dob: string, fatherName?: string, transactionId?: string} $params
     */
    public function verifyPan(array $params): ApiObject
    {
        $transactionId = isset($params['transactionId']) && $params['transactionId'] !== ''
            ? (string) $params['transactionId']
            : 'ixp-php-' . bin2hex(random_bytes(12));
        $params['transactionId'] = $transactionId;
        return $this->requester->json(Endpoints::get(Endpoints::VERIFY_PAN), $params, $transactionId,
            static function (DuplicateOrderException $duplicate) use ($transactionId): never {
                throw $duplicate->withEarlierAttempt(sprintf(
                    'PAN verification %s was received by an earlier attempt of this call whose answer was lost, so it was charged '
                    . '(and refunded if the provider failed). PAN verification has no status look-up: verify again with a new transactionId.',
                    $transactionId), null);
            });
    }
}
