<?php

declare(strict_types=1);

namespace Inexopay\Exception;

/**
 * 503: the service cannot be used now, e.g. a live key for a service whose live provider is not configured on the
 * server, or the server is overloaded or its database is down. Nothing was charged.
 */
class ServiceUnavailableException extends ServerErrorException
{
}
