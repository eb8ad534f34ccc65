<?php

declare(strict_types=1);

namespace Inexopay\Service;

use Inexopay\ApiObject;
use Inexopay\Endpoints;
use Inexopay\Internal\Requester;

/** The account behind the key: check_status.php and balance.php. Read-only; retried freely. */
final class AccountService
{
    /** @internal */
    public function __construct(private readonly Requester $requester)
    {
    }

    /**
     * check_status.php: owner, plan, balance of the key's mode, bound IPs and whether this caller's IP matches.
     * `$status->data->api_balance`, `->plan_name`, `->ip_status` (MATCHED, or NOT_REQUIRED_IN_TEST_MODE), `->mode`.
     */
    public function checkStatus(): ApiObject
    {
        return $this->requester->json(Endpoints::get(Endpoints::CHECK_STATUS));
    }

    /** balance.php: `$balance->balance` (rupees) of the key's mode wallet, `->username`, `->mode`. */
    public function getBalance(): ApiObject
    {
        return $this->requester->json(Endpoints::get(Endpoints::BALANCE));
    }
}
