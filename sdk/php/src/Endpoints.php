<?php

declare(strict_types=1);

namespace Inexopay;

/**
 * The endpoints of both contracts (the INEXOPAY portal API and HyperVerge NSDL PAN Direct), by operation.
 *
 * Hand-written for now: the server does not yet publish its service catalogue as /openapi/v1.json (issue 9). When it
 * does, tools/generate.php writes this table (and the response models) into src/Generated/ from that document, and
 * this file goes. Paths keep the contract's .php names.
 */
final class Endpoints
{
    public const CHECK_STATUS = 'check_status';
    public const BALANCE = 'balance';
    public const SERVER_STATUS = 'server_status';
    public const VERIFY_PAN = 'verify_pan';
    public const REQUEST_PAN = 'request_pan';
    public const PAN_STATUS = 'pan_status';
    public const RESUME_PAN = 'resume_pan';
    public const BANK_ONBOARDING = 'bank_onboarding';
    public const BANK_ACCOUNT_OPEN = 'bank_account_open';
    public const BANK_STATUS = 'bank_status';
    public const BANK_DETAILS = 'bank_details';

    /** @var array<string, Endpoint>|null */
    private static ?array $all = null;

    public static function get(string $operation): Endpoint
    {
        return self::all()[$operation] ?? throw new \InvalidArgumentException("Unknown Inexopay operation '$operation'.");
    }

    /** @return array<string, Endpoint> */
    public static function all(): array
    {
        return self::$all ??= self::index([
            new Endpoint(self::CHECK_STATUS, 'POST', '/api/check_status.php', Endpoint::FORM, false),
            new Endpoint(self::BALANCE, 'POST', '/api/balance.php', Endpoint::FORM, false),
            new Endpoint(self::SERVER_STATUS, 'GET', '/api/server-status.php', Endpoint::PUBLIC, false),
            new Endpoint(self::VERIFY_PAN, 'POST', '/v1/NSDLPanVerificationDirect', Endpoint::HYPERVERGE, true, false, 'transactionId'),
            new Endpoint(self::REQUEST_PAN, 'POST', '/api/nsdl-pan/v1/request_pan.php', Endpoint::FORM, true, true, 'orderid'),
            new Endpoint(self::PAN_STATUS, 'POST', '/api/nsdl-pan/v1/pan_status.php', Endpoint::FORM, false),
            new Endpoint(self::RESUME_PAN, 'POST', '/api/nsdl-pan/v1/incomplete.php', Endpoint::FORM, false, true),
            new Endpoint(self::BANK_ONBOARDING, 'POST', '/api/nsdl-bank/v1/onboarding.php', Endpoint::FORM, true, false, 'order_id'),
            new Endpoint(self::BANK_ACCOUNT_OPEN, 'POST', '/api/nsdl-bank/v1/account-open.php', Endpoint::FORM, true, false, 'order_id'),
            new Endpoint(self::BANK_STATUS, 'POST', '/api/nsdl-bank/v1/account-status.php', Endpoint::FORM, false),
            new Endpoint(self::BANK_DETAILS, 'POST', '/api/nsdl-bank/v1/account-details.php', Endpoint::FORM, false),
        ]);
    }

    /**
     * @param list<Endpoint> $endpoints
     * @return array<string, Endpoint>
     */
    private static function index(array $endpoints): array
    {
        $byOperation = [];
        foreach ($endpoints as $endpoint) {
            $byOperation[$endpoint->operation] = $endpoint;
        }
        return $byOperation;
    }
}
