<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/** A 5xx answer that says nothing about money (no refund, no application state): the SDK retries these first. */
class ServerErrorException extends InexopayException
{
}
