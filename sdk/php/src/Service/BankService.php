<?php

declare(strict_types=1);

namespace Inexopay\Service;

use Inexopay\ApiObject;
use Inexopay\Endpoints;
use Inexopay\Exception\DuplicateOrderException;
use Inexopay\Exception\NotFoundException;
use Inexopay\Internal\Requester;

/**
 * NSDL Payments Bank BC services: onboarding.php and account-open.php (paid), account-status.php,
 * account-details.php. Answers are `{status: true, message, data, …}`; failures are exceptions.
 */
final class BankService
{
    /** @internal */
    public function __construct(private readonly Requester $requester)
    {
    }

    /**
     * Onboards a BC agent. `$params`: `order_id`, `shop_name`, `name`, `email`, `mobile`, `date_of_birth`
     * (YYYY-MM-DD), `address`, `state_name`, `city_name`, `pincode`, `pancard`.
     * `$agent->data->bcagentid` (INEXO0001…), `->data->status` (active or pending); `$agent->amount`, `->balance`.
     * A PAN already onboarded answers that agent again, uncharged (`message` "Agent already onboarded").
     *
     * If the answer was lost and the retry found the order placed, this returns account-status.php's answer for
     * it (`isFromStatusLookup()` true; `data->bcagentid`, `data->account_status`).
     *
     * @param array<string, string> $params
     */
    public function onboardAgent(array $params): ApiObject
    {
        $orderId = isset($params['order_id']) ? (string) $params['order_id'] : null;
        return $this->requester->json(Endpoints::get(Endpoints::BANK_ONBOARDING), $params, $orderId,
            fn (DuplicateOrderException $duplicate) => $this->recover($duplicate, (string) $orderId, 'agent_onboarding',
                static fn (ApiObject $data) => self::same($data->agent_name, $params['name'] ?? null)));
    }

    /**
     * Opens a savings or current account through an active BC agent. `$params`: `order_id`, `account_type`
     * (saving or current), `bcagentid`, `agent_pancard`, `first_name`, optional `middle_name`, `last_name`,
     * `email`, `phone`, `pancard`, `pincode`. `$account->data->account_number`, `->ifsc_code`, `->status`,
     * `->kyc_status`; `$account->commission` when it opened at once.
     *
     * A lost answer is recovered as for {@see onboardAgent()}.
     *
     * @param array<string, string|null> $params
     */
    public function openAccount(array $params): ApiObject
    {
        $orderId = isset($params['order_id']) ? (string) $params['order_id'] : null;
        return $this->requester->json(Endpoints::get(Endpoints::BANK_ACCOUNT_OPEN), $params, $orderId,
            fn (DuplicateOrderException $duplicate) => $this->recover($duplicate, (string) $orderId, 'account_open',
                static fn (ApiObject $data) => self::same($data->bcagentid, $params['bcagentid'] ?? null)));
    }

    /**
     * account-status.php for an onboarding or an account opening: `$status->data->order_type` (agent_onboarding or
     * account_open), `->account_status`, `->kyc_status`, `->account_number`, `->bcagentid`.
     */
    public function getStatus(string $orderId): ApiObject
    {
        return $this->requester->json(Endpoints::get(Endpoints::BANK_STATUS), ['order_id' => $orderId]);
    }

    /** account-details.php by the customer's PAN: the latest account in `data`, all of them in `accounts`. */
    public function getAccountDetails(string $pancard): ApiObject
    {
        return $this->requester->json(Endpoints::get(Endpoints::BANK_DETAILS), ['pancard' => $pancard]);
    }

    /** @param callable(ApiObject): bool $isThisRequest */
    private function recover(DuplicateOrderException $duplicate, string $orderId, string $orderType, callable $isThisRequest): ApiObject
    {
        try {
            $status = $this->getStatus($orderId);
        } catch (NotFoundException) {
            throw $duplicate; // the id belongs to another kind of order
        }
        $data = $status->data;
        if (!$data instanceof ApiObject || $data->order_type !== $orderType || !$isThisRequest($data)) {
            throw $duplicate; // an older order under the same id, not this one
        }
        $response = $status->getLastResponse();
        return $response === null ? $status : ApiObject::fromResponse($response, $status->toArray(), true);
    }

    private static function same(mixed $known, mixed $requested): bool
    {
        $normalise = static fn (mixed $v) => strtoupper(preg_replace('/\s+/', ' ', trim((string) $v)) ?? '');
        return $requested !== null && $normalise($known) === $normalise($requested);
    }
}
