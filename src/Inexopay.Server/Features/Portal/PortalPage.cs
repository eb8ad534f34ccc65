using System.Net;
using System.Text;
using System.Text.Json;
using Inexopay.Server.Features.Sandbox;

namespace Inexopay.Server.Features.Portal;

/// <summary>
/// The API portal at <c>/</c>: environments, authentication, integration samples, every endpoint with its parameters
/// and errors, and the sandbox test data. Server-rendered from the same catalogue the tests read, no build step.
/// </summary>
public static class PortalPage
{
    public static void MapPortal(this IEndpointRouteBuilder app) =>
        app.MapGet("/", (HttpContext http, IEnumerable<ISandboxTestData> sandbox) =>
            Results.Content(Render($"{http.Request.Scheme}://{http.Request.Host}", sandbox), "text/html; charset=utf-8"));

    private static string H(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static string Render(string baseUrl, IEnumerable<ISandboxTestData> sandbox)
    {
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>INEXOPAY API Portal</title>
            <style>
              body{font-family:system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
              header{background:#142850;color:#fff;padding:24px 40px} header h1{margin:0} main{padding:16px 40px;max-width:1100px}
              section{background:#fff;border-radius:8px;padding:16px 24px;margin:16px 0;box-shadow:0 1px 3px #0001}
              table{border-collapse:collapse;width:100%;font-size:14px} td,th{border-bottom:1px solid #e3e6ee;padding:6px 8px;text-align:left;vertical-align:top}
              code,pre{background:#f0f2f7;border-radius:4px;font-size:13px} pre{padding:12px;overflow:auto} .path{font-family:monospace;font-weight:600}
            </style></head><body>
            <header><h1>INEXOPAY API Portal</h1><p>v2.0 — PAN applications, PAN verification, NSDL Payments Bank BC services and wallet, over one REST API.</p></header>
            <main>
            <section id="environments"><h2>Environments</h2>
            <table><tr><th>Environment</th><th>Base URL</th><th>Key</th><th>What happens</th></tr>
            <tr><td>Test</td><td><code>{{H(baseUrl)}}</code></td><td><code>ixp_test_…</code></td><td>Sandbox simulators, test wallet (starts at ₹10,000), never a real upstream; not IP-bound.</td></tr>
            <tr><td>Live</td><td><code>{{H(baseUrl)}}</code></td><td><code>ixp_live_…</code></td><td>Real providers, live wallet debited; only from your bound IPs.</td></tr></table></section>
            <section id="auth"><h2>Authentication</h2>
            <p>Send <code>api_key</code> (or <code>token</code>) and <code>username</code> as POST parameters — form-encoded, multipart or JSON.
            PAN verification takes them as <code>appId</code> (username) and <code>appKey</code> (API key) headers.</p>
            <table><tr><th>HTTP</th><th>Status</th><th>Meaning</th></tr>
            <tr><td>200</td><td>SUCCESS</td><td>Request completed successfully.</td></tr>
            <tr><td>400</td><td>FAILED</td><td>Missing or invalid parameters.</td></tr>
            <tr><td>401</td><td>FAILED</td><td>Invalid API key or username.</td></tr>
            <tr><td>402</td><td>FAILED</td><td>Insufficient balance in your wallet.</td></tr>
            <tr><td>403</td><td>FAILED</td><td>IP not whitelisted, account inactive, or plan missing/expired.</td></tr>
            <tr><td>409</td><td>FAILED</td><td>Duplicate order id.</td></tr>
            <tr><td>429</td><td>FAILED</td><td>Over your plan's requests per minute; see <code>Retry-After</code>.</td></tr>
            <tr><td>500</td><td>FAILED</td><td>Something went wrong on our side or upstream (paid calls are refunded).</td></tr></table></section>
            """);

        html.Append("<section id=\"endpoints\"><h2>Endpoints</h2><table><tr><th>Path</th><th>Parameters</th><th>Purpose</th></tr>");
        foreach (var (path, parameters, purpose) in Endpoints)
            html.Append($"<tr><td class=\"path\">POST {H(path)}</td><td>{H(parameters)}</td><td>{H(purpose)}</td></tr>");
        html.Append("</table></section>");

        html.Append("<section id=\"samples\"><h2>Integration code</h2>");
        foreach (var (language, code) in Samples(baseUrl))
            html.Append($"<h3>{H(language)}</h3><pre><code>{H(code)}</code></pre>");
        html.Append("</section>");

        html.Append("<section id=\"sandbox\"><h2>Sandbox test data</h2><p>Also as JSON: <a href=\"/api/sandbox/test-data.json\">/api/sandbox/test-data.json</a>.</p>");
        foreach (var section in sandbox.OrderBy(s => s.Section))
            html.Append($"<h3>{H(section.Section)}</h3><pre><code>{H(JsonSerializer.Serialize(section.Describe(), Indented))}</code></pre>");
        html.Append("</section>");
        html.Append("<section><p>Server health: <a href=\"/api/server-status.php\">/api/server-status.php</a> · © 2026 INEXOPAY</p></section></main></body></html>");
        return html.ToString();
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly (string Path, string Parameters, string Purpose)[] Endpoints =
    [
        ("/api/check_status.php", "api_key, username", "Account status, plan, balance and IP verification."),
        ("/api/balance.php", "api_key, username", "Wallet balance of the key's mode."),
        ("/api/server-status.php (GET or POST)", "none", "Public server health: uptime, load, RAM, disk, response speed, providers."),
        ("/api/nsdl-pan/v1/request_pan.php", "api_key|token, username, number, orderid, pan_mode (EKYC|ESIGN), pan_type (new_pan|correction), return_url", "Start a PAN application; returns an auto-submit HTML form."),
        ("/api/nsdl-pan/v1/pan_status.php", "api_key|token, username, orderid", "PENDING / SUCCESS / FAILED with the acknowledgement number."),
        ("/api/nsdl-pan/v1/incomplete.php", "api_key|token, username, orderid", "Resume an incomplete application (HTML form)."),
        ("/v1/NSDLPanVerificationDirect", "headers appId, appKey, transactionId; JSON pan, name, dob (DD/MM/YYYY), fatherName?", "PAN verification: status, name/DOB/father match, Aadhaar seeding."),
        ("/api/nsdl-bank/v1/onboarding.php", "api_key, username, order_id, shop_name, name, email, mobile, date_of_birth, address, state_name, city_name, pincode, pancard", "Register a BC agent (INEXO0001, …)."),
        ("/api/nsdl-bank/v1/account-open.php", "api_key, username, order_id, account_type, bcagentid, agent_pancard, first_name, middle_name?, last_name, email, phone, pancard, pincode", "Open a saving or current account."),
        ("/api/nsdl-bank/v1/account-status.php", "api_key, username, order_id", "Status of an onboarding or account opening."),
        ("/api/nsdl-bank/v1/account-details.php", "api_key, username, pancard", "Account details by customer PAN."),
    ];

    private static IEnumerable<(string, string)> Samples(string baseUrl) =>
    [
        ("PHP", $$"""
            <?php
            $ch = curl_init("{{baseUrl}}/api/balance.php");
            curl_setopt_array($ch, [CURLOPT_POST => true, CURLOPT_RETURNTRANSFER => true,
                CURLOPT_POSTFIELDS => http_build_query(['api_key' => 'YOUR_API_KEY', 'username' => 'YOUR_USERNAME'])]);
            echo curl_exec($ch);
            """),
        ("Python", $$"""
            import requests
            print(requests.post("{{baseUrl}}/api/balance.php", data={"api_key": "YOUR_API_KEY", "username": "YOUR_USERNAME"}).text)
            """),
        ("Node", $$"""
            const res = await fetch("{{baseUrl}}/api/balance.php", { method: "POST",
              body: new URLSearchParams({ api_key: "YOUR_API_KEY", username: "YOUR_USERNAME" }) });
            console.log(await res.json());
            """),
        ("Go", $$$"""
            resp, _ := http.PostForm("{{{baseUrl}}}/api/balance.php", url.Values{"api_key": {"YOUR_API_KEY"}, "username": {"YOUR_USERNAME"}})
            """),
        ("C#", $$"""
            var client = new Inexopay.Client.InexopayClient("{{baseUrl}}", "YOUR_USERNAME", "YOUR_API_KEY");
            var balance = await client.BalanceAsync();
            """),
        ("curl", $$"""
            curl -X POST {{baseUrl}}/v1/NSDLPanVerificationDirect -H 'Content-Type: application/json' \
              -H 'appId: YOUR_USERNAME' -H 'appKey: YOUR_TEST_KEY' -H 'transactionId: TXN1001' \
              -d '{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}'
            """),
    ];
}
