<?php

declare(strict_types=1);

namespace Inexopay\Http;

use Inexopay\Exception\ApiConnectionException;

/**
 * The default transport, on ext-curl. TLS certificates are always verified. One handle is kept and reused so
 * consecutive calls share the connection.
 */
final class CurlTransport implements Transport
{
    /** curl errors that happen before a byte of the request is written, so the server cannot have seen it. */
    private const NEVER_SENT = [
        CURLE_UNSUPPORTED_PROTOCOL,
        CURLE_URL_MALFORMAT,
        CURLE_COULDNT_RESOLVE_PROXY,
        CURLE_COULDNT_RESOLVE_HOST,
        CURLE_COULDNT_CONNECT,
        CURLE_SSL_CONNECT_ERROR,
        CURLE_SSL_PEER_CERTIFICATE,
        CURLE_SSL_CACERT,
        CURLE_SSL_CERTPROBLEM,
    ];

    private ?\CurlHandle $handle = null;

    /** @param array<int, mixed> $curlOptions extra CURLOPT_* settings (a proxy, a CA bundle); they cannot turn off TLS verification */
    public function __construct(private readonly array $curlOptions = [])
    {
        foreach ([CURLOPT_SSL_VERIFYPEER, CURLOPT_SSL_VERIFYHOST] as $option) {
            if (array_key_exists($option, $curlOptions)) {
                throw new \InvalidArgumentException('CurlTransport always verifies TLS certificates; CURLOPT_SSL_VERIFYPEER/VERIFYHOST cannot be set.');
            }
        }
    }

    public function send(Request $request, float $timeoutSeconds, float $connectTimeoutSeconds): Response
    {
        $handle = $this->handle ??= curl_init();
        curl_reset($handle);
        $headers = [];
        foreach ($request->headers as $name => $value) {
            $headers[] = $name . ': ' . $value;
        }
        $headers[] = 'Expect:'; // no 100-continue round trip for larger bodies
        $received = [];
        $options = [
            CURLOPT_URL => $request->url,
            CURLOPT_CUSTOMREQUEST => $request->method,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_TIMEOUT_MS => (int) ceil($timeoutSeconds * 1000),
            CURLOPT_CONNECTTIMEOUT_MS => (int) ceil($connectTimeoutSeconds * 1000),
            CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
            CURLOPT_HEADERFUNCTION => static function ($ch, string $line) use (&$received): int {
                if (str_starts_with($line, 'HTTP/')) {
                    $received = []; // a new status line (after a 1xx): start over
                } elseif (($colon = strpos($line, ':')) !== false) {
                    $received[strtolower(trim(substr($line, 0, $colon)))] = trim(substr($line, $colon + 1));
                }
                return strlen($line);
            },
        ];
        if ($request->method === 'POST') {
            $options[CURLOPT_POSTFIELDS] = $request->body;
        }
        curl_setopt_array($handle, $options + $this->curlOptions);

        $body = curl_exec($handle);
        if ($body === false) {
            $errno = curl_errno($handle);
            $error = curl_error($handle);
            // A timeout before the connection was made cannot have delivered the request either.
            $connected = curl_getinfo($handle, CURLINFO_PRETRANSFER_TIME) > 0;
            $mayHaveBeenSent = !in_array($errno, self::NEVER_SENT, true) && !($errno === CURLE_OPERATION_TIMEDOUT && !$connected);
            throw new ApiConnectionException(sprintf('Could not reach Inexopay at %s: %s (curl error %d)', $request->url, $error, $errno), $mayHaveBeenSent);
        }
        return new Response((int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE), $received, (string) $body);
    }
}
