<?php

declare(strict_types=1);

// Router for `php -S`: stores each request as request-<time>-<n>.json in INEXOPAY_RECEIVER_DIR and answers 200.
$dir = (string) getenv('INEXOPAY_RECEIVER_DIR');
$record = [
    'method' => $_SERVER['REQUEST_METHOD'] ?? '',
    'path' => parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH),
    'headers' => array_change_key_case(getallheaders(), CASE_LOWER),
    'body' => (string) file_get_contents('php://input'),
];
$name = sprintf('%s/request-%.6f-%s.json', $dir, microtime(true), bin2hex(random_bytes(3)));
file_put_contents($name . '.tmp', json_encode($record, JSON_THROW_ON_ERROR));
rename($name . '.tmp', $name);
http_response_code(200);
header('Content-Type: text/plain');
echo "ok\n";
