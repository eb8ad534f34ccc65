<?php

declare(strict_types=1);

namespace Inexopay;

use Inexopay\Http\Response;

/**
 * A JSON answer from Inexopay, read-only. Fields keep the contract's names and are read as properties or array
 * keys: `$status->status`, `$status['reference']`, `$agent->data->bcagentid`. Nested objects are ApiObjects too,
 * lists are PHP arrays. Amounts are rupees as the wire gives them (a float: 1250.5 for "1250.50").
 *
 * @implements \ArrayAccess<string, mixed>
 * @implements \IteratorAggregate<string, mixed>
 */
class ApiObject implements \ArrayAccess, \IteratorAggregate, \Countable, \JsonSerializable
{
    /** @param array<string, mixed> $values */
    final public function __construct(
        private readonly array $values,
        private readonly ?Response $response = null,
        private readonly bool $fromStatusLookup = false,
    ) {
    }

    /**
     * @internal
     * @param array<string, mixed> $values
     */
    public static function fromResponse(Response $response, array $values, bool $fromStatusLookup = false): static
    {
        return new static($values, $response, $fromStatusLookup);
    }

    public function __get(string $name): mixed
    {
        return self::wrap($this->values[$name] ?? null);
    }

    public function __isset(string $name): bool
    {
        return isset($this->values[$name]);
    }

    public function __set(string $name, mixed $value): void
    {
        throw new \LogicException('Inexopay answers are read-only.');
    }

    public function __unset(string $name): void
    {
        throw new \LogicException('Inexopay answers are read-only.');
    }

    public function offsetExists(mixed $offset): bool
    {
        return isset($this->values[$offset]);
    }

    public function offsetGet(mixed $offset): mixed
    {
        return self::wrap($this->values[$offset] ?? null);
    }

    public function offsetSet(mixed $offset, mixed $value): void
    {
        throw new \LogicException('Inexopay answers are read-only.');
    }

    public function offsetUnset(mixed $offset): void
    {
        throw new \LogicException('Inexopay answers are read-only.');
    }

    public function getIterator(): \ArrayIterator
    {
        return new \ArrayIterator(array_map(self::wrap(...), $this->values));
    }

    public function count(): int
    {
        return count($this->values);
    }

    /** @return array<string, mixed> the decoded JSON, plain arrays all the way down */
    public function toArray(): array
    {
        return $this->values;
    }

    public function jsonSerialize(): mixed
    {
        return (object) $this->values;
    }

    /** The HTTP answer this object was read from (status, headers, raw body); null for nested objects. */
    public function getLastResponse(): ?Response
    {
        return $this->response;
    }

    /**
     * True when a paid call's own answer was lost (timeout) and this is the answer of the status look-up the SDK
     * made to learn what happened to the order (see the README, "Retries").
     */
    public function isFromStatusLookup(): bool
    {
        return $this->fromStatusLookup;
    }

    private static function wrap(mixed $value): mixed
    {
        if (!is_array($value)) {
            return $value;
        }
        if ($value !== [] && array_is_list($value)) {
            return array_map(self::wrap(...), $value);
        }
        return new self($value);
    }
}
