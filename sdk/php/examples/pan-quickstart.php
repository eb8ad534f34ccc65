<?php // A test-mode PAN application: place it, poll its status, verify its signed notification. In your project:
// php -S 127.0.0.1:8099 pan-quickstart.php & RETURN_URL=http://127.0.0.1:8099/ php pan-quickstart.php
require __DIR__ . '/vendor/autoload.php';
$inbox = sys_get_temp_dir() . '/inexopay-notifications';
if (PHP_SAPI === 'cli-server') { // this file is also the return_url: verify each notification, keep it, answer 200
    $event = (new Inexopay\Webhook\WebhookVerifier(getenv('INEXOPAY_WEBHOOK_SECRET')))->verifyRequest();
    @mkdir($inbox); file_put_contents("$inbox/{$event->data->order_id}-{$event->data->status}", $event->id); exit;
}
$client = new Inexopay\Client(getenv('INEXOPAY_USERNAME'), getenv('INEXOPAY_API_KEY'), getenv('INEXOPAY_BASE_URL'));
$orderId = 'ORD' . bin2hex(random_bytes(5));
$html = $client->panApplications->request(['orderid' => $orderId, 'number' => '9000000001', // sandbox: completes at once
    'pan_mode' => 'EKYC', 'pan_type' => 'new_pan', 'return_url' => getenv('RETURN_URL')]); // echo $html to the applicant
do { sleep(1); $status = $client->panApplications->getStatus($orderId); } while ($status->status === 'PENDING');
echo "PAN application $orderId: $status->status, acknowledgement number $status->reference\n";
while (!is_file($file = "$inbox/$orderId-$status->status")) { sleep(1); }
echo 'Notification ' . file_get_contents($file) . " verified: $status->status\n";
