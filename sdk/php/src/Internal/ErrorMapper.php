<?php

declare(strict_types=1);

namespace Inexopay\Internal;

use Inexopay\Endpoint;
use Inexopay\Endpoints;
use Inexopay\Exception\AuthenticationException;
use Inexopay\Exception\DuplicateOrderException;
use Inexopay\Exception\ForbiddenException;
use Inexopay\Exception\InexopayException;
use Inexopay\Exception\InsufficientBalanceException;
use Inexopay\Exception\InvalidParametersException;
use Inexopay\Exception\IpNotWhitelistedException;
use Inexopay\Exception\NotFoundException;
use Inexopay\Exception\PlanInactiveException;
use Inexopay\Exception\ProviderFailureException;
use Inexopay\Exception\RateLimitedException;
use Inexopay\Exception\ServerErrorException;
use Inexopay\Exception\ServiceUnavailableException;
use Inexopay\Exception\UnexpectedResponseException;
use Inexopay\Http\Response;

/**
 * Turns an error answer into the typed exception of its documented failure class. The HTTP status is the same as
 * the body's status code in every family, so it decides first; where one status covers several classes (403), the
 * contract's messages tell them apart.
 *
 * @internal
 */
final class ErrorMapper
{
    /**
     * PAN verification (HyperVerge) names the field only in its documented 400 messages.
     * Contract text: moves to the generated catalogue table once /openapi/v1.json declares it.
     */
    private const VERIFICATION_FIELDS = [
        'PAN Number invalid' => 'pan',
        'Name of PAN holder' => 'name',
        "Father's name" => 'fatherName',
        'Date of Birth' => 'dob',
        'Transaction ID invalid' => 'transactionId',
    ];

    public static function toException(Endpoint $endpoint, Response $response, ?string $orderId): InexopayException
    {
        $body = $response->json();
        $status = $response->status;
        $message = is_string($body['message'] ?? null) ? $body['message'] : self::describe($response);
        $args = [$response->body, $body, $response->headers];

        if ($body === null) {
            return $status >= 500
                ? ($status === 503 ? new ServiceUnavailableException($message, $status, ...$args) : new ServerErrorException($message, $status, ...$args))
                : new UnexpectedResponseException($message, $status, ...$args);
        }
        // A paid call that was charged and then failed at the provider says what happened to the money: `refunded`
        // (each family's own field), or the shared `payment` object with something charged.
        $charged = $body['payment']['charged'] ?? 0;
        if (array_key_exists('refunded', $body) || (is_numeric($charged) && (float) $charged > 0)
            || ($status >= 500 && array_key_exists('application_status', $body))) {
            return new ProviderFailureException($message, $status, ...$args);
        }

        $reason = is_string($body['reason'] ?? null) ? $body['reason'] : '';
        return match (true) {
            $status === 400 && $endpoint->operation === Endpoints::RESUME_PAN && str_starts_with($message, 'No PAN application found')
                => new NotFoundException($message, $status, ...$args),
            $status === 400 => new InvalidParametersException($message, self::fieldOf($endpoint, $body, $message), $status, ...$args),
            $status === 401 => new AuthenticationException($message, $status, ...$args),
            $status === 402 => new InsufficientBalanceException($message, $status, ...$args),
            $status === 403 => self::forbidden($message, $reason, $status, $args),
            $status === 404 || $status === 405 => new NotFoundException($message, $status, ...$args),
            $status === 409 => new DuplicateOrderException($message, $orderId, $status, ...$args),
            $status === 429 => new RateLimitedException($message, $status, ...$args),
            $status === 503 => new ServiceUnavailableException($message, $status, ...$args),
            $status >= 500 => new ServerErrorException($message, $status, ...$args),
            default => new UnexpectedResponseException($message, $status, ...$args),
        };
    }

    /** @param array{string, array<string, mixed>, array<string, string>} $args */
    private static function forbidden(string $message, string $reason, int $status, array $args): ForbiddenException
    {
        $text = $message . ' ' . $reason;
        $planInactive = static fn (string $why) => new PlanInactiveException($message, $why, $status, ...$args);
        return match (true) {
            str_contains($text, 'Not Whitelisted') => new IpNotWhitelistedException($message, $status, ...$args),
            str_contains($text, 'Account Inactive') || str_contains($text, 'Deactivated') => $planInactive(PlanInactiveException::ACCOUNT_INACTIVE),
            str_contains($text, 'No active subscription plan') => $planInactive(PlanInactiveException::NO_PLAN),
            str_contains($text, 'plan has expired') => $planInactive(PlanInactiveException::PLAN_EXPIRED),
            str_contains($text, 'not included in your plan') || str_contains($text, 'does not include') => $planInactive(PlanInactiveException::SERVICE_NOT_IN_PLAN),
            default => new ForbiddenException($message, $status, ...$args),
        };
    }

    /** @param array<string, mixed> $body */
    private static function fieldOf(Endpoint $endpoint, array $body, string $message): ?string
    {
        if (is_string($body['field'] ?? null)) {
            return $body['field'];
        }
        if (is_array($body['errors'] ?? null) && $body['errors'] !== []) {
            return (string) array_key_first($body['errors']);
        }
        if ($endpoint->family === Endpoint::HYPERVERGE) {
            foreach (self::VERIFICATION_FIELDS as $prefix => $field) {
                if (str_starts_with($message, $prefix)) {
                    return $field;
                }
            }
        }
        return null;
    }

    private static function describe(Response $response): string
    {
        $snippet = trim(preg_replace('/\s+/', ' ', strip_tags(substr($response->body, 0, 300))) ?? '');
        return sprintf('Inexopay answered HTTP %d%s', $response->status, $snippet === '' ? '' : ': ' . $snippet);
    }
}
