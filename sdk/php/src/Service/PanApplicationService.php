<?php

declare(strict_types=1);

namespace Inexopay\Service;

use Inexopay\ApiObject;
use Inexopay\Endpoints;
use Inexopay\Exception\DuplicateOrderException;
use Inexopay\Exception\NotFoundException;
use Inexopay\Internal\Requester;

/** NSDL/Protean PAN applications: request_pan.php (paid), pan_status.php, incomplete.php. */
final class PanApplicationService
{
    /** @internal */
    public function __construct(private readonly Requester $requester)
    {
    }

    /**
     * Files a new PAN (or correction) application and returns the auto-submitting HTML form: echo it to the
     * applicant's browser, which goes on to the NSDL (Protean) portal. `$params`: `orderid` (yours, unique),
     * `number` (applicant's mobile), `pan_mode` (EKYC or ESIGN), `pan_type` (new_pan or correction), `return_url`
     * (the browser comes back there; status changes are notified there, signed).
     *
     * If the answer was lost and the retry found the order already placed, the SDK asks pan_status.php: a PENDING
     * application is answered with incomplete.php's form (the applicant carries on where the lost form led);
     * otherwise {@see DuplicateOrderException} with isOwnEarlierAttempt() and the status.
     *
     * @param array{orderid: string, number: string, pan_mode: string, pan_type: string, return_url: string} $params
     */
    public function request(array $params): string
    {
        $orderId = isset($params['orderid']) ? (string) $params['orderid'] : null;
        return $this->requester->html(Endpoints::get(Endpoints::REQUEST_PAN), $params, $orderId,
            function (DuplicateOrderException $duplicate) use ($orderId, $params): string {
                try {
                    $status = $this->getStatus((string) $orderId);
                } catch (NotFoundException) {
                    throw $duplicate; // the id belongs to another kind of order
                }
                if (isset($params['pan_type']) && strcasecmp((string) $status->pan_type, (string) $params['pan_type']) !== 0) {
                    throw $duplicate; // an older application under the same id, not this one
                }
                if ($status->status === 'PENDING') {
                    return $this->resume((string) $orderId);
                }
                throw $duplicate->withEarlierAttempt(sprintf(
                    'PAN application %s was placed by an earlier attempt of this call whose answer was lost; it is already %s (see getExistingOrder()).',
                    $orderId, (string) $status->status), $status);
            });
    }

    /**
     * pan_status.php: `$status->status` (PENDING, SUCCESS or FAILED), `->reference` (the 15-digit acknowledgement
     * number on success), `->amount`, `->balance`, `->refunded`, `->failure_reason`, `->txnid`, `->date_time`.
     */
    public function getStatus(string $orderId): ApiObject
    {
        return $this->requester->json(Endpoints::get(Endpoints::PAN_STATUS), ['orderid' => $orderId]);
    }

    /**
     * incomplete.php: the HTML form that takes the applicant back into a PENDING application. A finished or
     * unknown application is a {@see NotFoundException} (its getApplicationStatus() says which).
     */
    public function resume(string $orderId): string
    {
        return $this->requester->html(Endpoints::get(Endpoints::RESUME_PAN), ['orderid' => $orderId]);
    }
}
