using System.Text.Json;
using Inexopay.Server.Api;
using Inexopay.Server.Auth;
using Inexopay.Server.Features.Pan.Sandbox;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Orders;
using Inexopay.Server.Providers;
using Inexopay.Server.Providers.Upstream;
using Inexopay.Server.Storage;
using Inexopay.Server.Webhooks;

namespace Inexopay.Server.Features.Pan;

/// <summary>
/// <c>/api/nsdl-pan/v1/request_pan.php</c>, <c>pan_status.php</c>, <c>incomplete.php</c> (the contract) and
/// <c>upstream_callback.php</c>, where a parent API's notifications and returning applicants arrive in live mode.
/// </summary>
public static class PanEndpoints
{
    public const string RequestPath = "/api/nsdl-pan/v1/request_pan.php";
    public const string StatusPath = "/api/nsdl-pan/v1/pan_status.php";
    public const string IncompletePath = "/api/nsdl-pan/v1/incomplete.php";
    public const string UpstreamCallbackPath = "/api/nsdl-pan/v1/upstream_callback.php";

    public const string MissingOrInvalid = "Missing or Invalid Parameters";
    public const string InvalidCredentials = "Invalid API Key or Username";
    public const string InsufficientBalance = "Insufficient Balance";
    public const string DuplicateOrder = "Duplicate Order ID";
    public const string NotInPlan = "PAN applications are not included in your plan";
    public const string StatusFetched = "Transaction status fetched successfully";
    public const string NotFound = "No PAN application found with this Order ID";
    public const string NothingToResume = "No PAN application found with this Order ID for your account";
    public const string LiveNotConfigured =
        "Live PAN applications are not available: no PAN provider is configured for live mode. Use your test API key for the sandbox, or contact support.";
    public const string ProviderDidNotAnswer =
        "The PAN service provider did not answer. The application is PENDING: check pan_status.php; if it was not created it will be failed and refunded automatically.";
    public const string ProviderRefused = "The PAN service provider refused the application. The fee has been refunded.";
    public const string ProviderUnreachable = "The PAN service provider is unreachable. Nothing was filed and the fee has been refunded; try again later.";

    /// <summary>Unauthenticated prompts (a returning browser, an unsigned notification) ask the parent at most this often.</summary>
    private static readonly TimeSpan UnverifiedPromptGap = TimeSpan.FromSeconds(2);

    /// <summary>The PAN endpoints' failure shape: <c>status_code</c>, <c>status</c>, <c>message</c>, then extras.</summary>
    public static readonly ApiErrorShape Errors = ApiErrorShape.StatusCode(new ApiErrorMessages(MissingOrInvalid));

    public static void MapPanEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPostOnly(RequestPath, RequestPanAsync, Errors);
        app.MapPostOnly(StatusPath, StatusAsync, Errors);
        app.MapPostOnly(IncompletePath, IncompleteAsync, Errors);
        app.MapPostOnly(UpstreamCallbackPath, UpstreamCallbackAsync, Errors);
    }

    public static IResult Fail(int code, string message, int retryAfter = 0, params (string Name, object? Value)[] extra)
    {
        var body = Json.Object(("status_code", code), ("status", "FAILED"), ("message", message));
        foreach (var (name, value) in extra) body[name] = value;
        return Json.Result(code, body, retryAfter);
    }

    /// <summary>PRODUCT.md 2's order: missing credentials (400, a missing parameter here) → unknown key → IP → account/plan → rate.</summary>
    private static async Task<(ApiParams Params, ResellerContext? Reseller, IResult? Error)> AuthenticateAsync(HttpContext http,
        ResellerAuthenticator authenticator, ClientIp clientIp, CancellationToken ct)
    {
        var p = await ApiParams.ReadAsync(http.Request, ct);
        if (p.Problem is { } problem) return (p, null, ApiErrorHandling.UnreadableBody(http, problem));
        var auth = await authenticator.AuthenticateAsync(p.Username, p.ApiKey, clientIp.Of(http), ct);
        if (auth.Ok) return (p, auth.Reseller, null);
        var (code, message) = AuthMessages.For(auth, (400, MissingOrInvalid), InvalidCredentials);
        var extra = auth.Failure == AuthFailure.MissingCredentials
            ? new[] { ("field", (object?)(p.ApiKey is null ? "api_key" : "username")), ("detail", (object?)"api_key (or token) and username are required") }
            : [];
        return (p, null, Fail(code, message, auth.RetryAfterSeconds, extra));
    }

    private static async Task<IResult> RequestPanAsync(HttpContext http, ResellerAuthenticator authenticator, ClientIp clientIp,
        PanLifecycle lifecycle, PanSettings settings, UpstreamPanClient upstream, TimeProvider clock, ILogger<PanLifecycle> log,
        CancellationToken ct)
    {
        var (p, reseller, error) = await AuthenticateAsync(http, authenticator, clientIp, ct);
        if (error is not null) return error;
        var (request, invalid) = PanRequestValidation.Validate(p);
        if (invalid is not null) return Fail(400, MissingOrInvalid, 0, ("field", invalid.Field), ("detail", invalid.Detail));
        // No money moves for a service we cannot deliver.
        if (reseller!.Mode == ApiMode.Live && !upstream.Settings.Configured) return Fail(503, LiveNotConfigured);

        var (placed, application) = await lifecycle.PlaceAsync(reseller, request!, ct);
        switch (placed.Status)
        {
            case PlaceStatus.Duplicate:
                return Fail(409, DuplicateOrder, 0, ("order_id", request!.OrderRef));
            case PlaceStatus.InsufficientBalance:
                return Fail(402, InsufficientBalance, 0, ("amount", Money.Rupees(placed.FeePaise)), ("balance", Money.Rupees(placed.BalanceAfterPaise)));
            case PlaceStatus.ServiceNotInPlan:
                return Fail(403, NotInPlan);
        }

        var record = new PanRecord(placed.Order!, application!);
        http.Response.Headers["X-Inexopay-Order-Id"] = Uri.EscapeDataString(record.Order.OrderRef);
        http.Response.Headers["X-Inexopay-Amount"] = Money.Rupees(placed.FeePaise).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (reseller.Mode == ApiMode.Test) return await SandboxPortal.StartAsync(http, reseller, record, lifecycle, settings, clock);

        // Live: file it at the parent under our transaction id, with our callback, and pass its form through.
        // The fee is taken, so the rest runs to the end even if the caller disconnects.
        var done = CancellationToken.None;
        UpstreamPanForm answer;
        try
        {
            answer = await upstream.RequestPanAsync(application!.PortalTxnId, request!.Mobile, request.PanMode, request.PanType,
                settings.BaseUrl(http.Request) + UpstreamCallbackPath, done);
        }
        catch (ProviderUnavailableException e) when (NeverSent(e))
        {
            log.LogWarning("PAN application {OrderId}: the provider could not be reached ({Reason}); refunding", record.Order.Id, e.Message);
            var failed = await lifecycle.FailAsync(record.Order.Id, "The PAN service provider could not be reached", done);
            return Fail(503, ProviderUnreachable, 0, ("order_id", record.Order.OrderRef), ("application_status", "FAILED"),
                ("refunded", failed?.Record.Order.Refunded ?? false), ("balance", Money.Rupees(failed?.BalancePaise ?? 0)));
        }
        catch (ProviderUnavailableException e)
        {
            // Unknown whether the parent filed it: keep it PENDING; the poller finds out and refunds if it was not.
            log.LogWarning("PAN application {OrderId}: request to the provider ended without an answer ({Reason})", record.Order.Id, e.Message);
            return Fail(502, ProviderDidNotAnswer, 0, ("order_id", record.Order.OrderRef), ("application_status", "PENDING"));
        }

        if (answer is UpstreamPanForm.Rejected rejected)
        {
            log.LogWarning("PAN application {OrderId}: the provider refused it: HTTP {Status} {Message}", record.Order.Id, rejected.StatusCode, rejected.Message);
            var failed = await lifecycle.FailAsync(record.Order.Id, "The PAN service provider refused the application", done);
            return Fail(502, ProviderRefused, 0, ("order_id", record.Order.OrderRef), ("application_status", "FAILED"),
                ("refunded", failed?.Record.Order.Refunded ?? false), ("balance", Money.Rupees(failed?.BalancePaise ?? 0)));
        }
        await lifecycle.MarkHandedOffAsync(record.Order.Id, done);
        return HtmlPages.Html(((UpstreamPanForm.Accepted)answer).Html);
    }

    private static async Task<IResult> StatusAsync(HttpContext http, ResellerAuthenticator authenticator, ClientIp clientIp,
        PanLifecycle lifecycle, InexopayDb db, CancellationToken ct)
    {
        var (p, reseller, error) = await AuthenticateAsync(http, authenticator, clientIp, ct);
        if (error is not null) return error;
        var orderId = p["orderid"];
        if (PanRequestValidation.OrderId(orderId) is { } invalid) return Fail(400, MissingOrInvalid, 0, ("field", invalid.Field), ("detail", invalid.Detail));

        var record = await lifecycle.FindAsync(reseller!.ResellerId, reseller.Mode, orderId!, ct);
        if (record is null) return Fail(404, NotFound);
        var (order, app) = (record.Order, record.Application);
        var balance = await Ledger.BalanceAsync(db, reseller.WalletId, ct);
        return Json.Result(200, Json.Object(
            ("status_code", 200),
            ("status", PanStatusNames.Of(app.Status)),
            ("message", StatusFetched),
            ("order_id", order.OrderRef),
            ("reference", app.AcknowledgementNumber ?? ""),
            ("pan_mode", app.PanMode),
            ("amount", Money.Rupees(order.FeePaise)),
            ("balance", Money.Rupees(balance)),
            ("date_time", WireTime.Format(app.CreatedAt)),
            ("username", reseller.Username),
            ("pan_type", app.PanType),
            ("txnid", app.PortalTxnId),
            ("refunded", order.Refunded),
            ("failure_reason", app.FailureReason),
            ("updated_at", WireTime.Format(app.UpdatedAt)),
            ("mode", AuthMessages.ModeName(app.Mode))));
    }

    private static async Task<IResult> IncompleteAsync(HttpContext http, ResellerAuthenticator authenticator, ClientIp clientIp,
        PanLifecycle lifecycle, PanSettings settings, UpstreamPanClient upstream, UpstreamPanSync sync, TimeProvider clock,
        ILogger<PanLifecycle> log, CancellationToken ct)
    {
        var (p, reseller, error) = await AuthenticateAsync(http, authenticator, clientIp, ct);
        if (error is not null) return error;
        var orderId = p["orderid"];
        if (PanRequestValidation.OrderId(orderId) is { } invalid) return Fail(400, MissingOrInvalid, 0, ("field", invalid.Field), ("detail", invalid.Detail));

        var record = await lifecycle.FindAsync(reseller!.ResellerId, reseller.Mode, orderId!, ct);
        if (record is null) return Fail(400, NothingToResume);
        if (record.Application.Status != PanApplicationStatus.Pending)
            return Fail(400, NothingToResume, 0, ("application_status", PanStatusNames.Of(record.Application.Status)),
                ("reference", record.Application.AcknowledgementNumber ?? ""));
        if (reseller.Mode == ApiMode.Test) return SandboxPortal.Resume(http, reseller, record, settings, clock);

        if (!upstream.Settings.Configured) return Fail(503, LiveNotConfigured);
        UpstreamPanForm answer;
        try
        {
            answer = await upstream.ResumeAsync(record.Application.PortalTxnId, ct);
        }
        catch (ProviderUnavailableException e)
        {
            log.LogWarning("PAN application {OrderId}: resume at the provider failed ({Reason})", record.Order.Id, e.Message);
            return Fail(502, "The PAN service provider did not answer. Try again shortly.");
        }
        if (answer is UpstreamPanForm.Accepted accepted) return HtmlPages.Html(accepted.Html);

        // The parent has nothing to resume: most likely it has finished; learn the outcome now.
        await sync.SyncAsync(record.Application, clock.GetUtcNow().UtcDateTime, TimeSpan.Zero, CancellationToken.None);
        var now = await lifecycle.FindAsync(record.Order.Id, ct) ?? record;
        return Fail(400, NothingToResume, 0, ("application_status", PanStatusNames.Of(now.Application.Status)));
    }

    /// <summary>
    /// Live mode: the parent's signed notifications (Standard Webhooks headers) and, from the parent's portal, the
    /// applicant's browser. Neither is trusted for the outcome: both make us ask the parent's pan_status.php.
    /// A notification is checked against <c>Providers:Upstream:WebhookSecret</c> when one is configured.
    /// </summary>
    private static async Task<IResult> UpstreamCallbackAsync(HttpContext http, PanLifecycle lifecycle, UpstreamPanSync sync,
        UpstreamPanClient upstream, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (http.Request.Headers.ContainsKey(StandardWebhooks.IdHeader))
        {
            var body = await ReadBodyAsync(http.Request, 64 * 1024, ct);
            if (body is null) return ApiErrorHandling.UnreadableBody(http, ApiErrorTexts.BodyTooLarge);
            var h = http.Request.Headers;
            var verified = false;
            if (upstream.Settings.WebhookSecret is { } secret)
            {
                if (!StandardWebhooks.Verify(secret, h[StandardWebhooks.IdHeader], h[StandardWebhooks.TimestampHeader],
                        h[StandardWebhooks.SignatureHeader], body, now))
                    return Fail(401, "Invalid webhook signature");
                verified = true;
            }
            var txnId = OrderIdOf(body);
            var known = txnId is null ? null : await lifecycle.FindByTxnIdAsync(txnId, ct);
            // A verified notification always prompts a look; an unverified one (no secret configured) is throttled,
            // and the background poller covers anything the throttle skips.
            if (known is not null && known.Application.Mode == ApiMode.Live)
                await sync.SyncAsync(known.Application, now.UtcDateTime, verified ? TimeSpan.Zero : UnverifiedPromptGap, CancellationToken.None);
            // 2xx either way: an order we do not know will not become known by the parent retrying.
            return Json.Result(200, Json.Object(("status_code", 200), ("status", "SUCCESS"), ("message", known is null ? "Ignored" : "Received")));
        }

        var form = await ApiParams.ReadAsync(http.Request, ct);
        if (form.Problem is { } problem) return ApiErrorHandling.UnreadableBody(http, problem);
        var record = form["orderid"] is { } orderId ? await lifecycle.FindByTxnIdAsync(orderId, ct) : null;
        if (record is null || record.Application.Mode != ApiMode.Live)
            return HtmlPages.Html(HtmlPages.Page("Unknown application", "<div class=\"banner error\"><strong>Unknown application</strong>" +
                "<p>This return does not match a PAN application.</p></div>"), 404, ownPage: true);
        await sync.SyncAsync(record.Application, now.UtcDateTime, UnverifiedPromptGap, CancellationToken.None);
        record = await lifecycle.FindAsync(record.Order.Id, ct) ?? record;
        return HtmlPages.Html(ReturnToReseller.Form(record), ownPage: true);
    }

    /// <summary>
    /// True when the request certainly never reached the parent (open circuit, refused connection, unknown host), so
    /// nothing can have been filed there and the fee can be refunded at once. Anything else (a timeout, a dropped
    /// connection, a 5xx) may have filed the application and is left for the poller.
    /// </summary>
    private static bool NeverSent(ProviderUnavailableException e)
    {
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
            switch (inner)
            {
                case Polly.CircuitBreaker.BrokenCircuitException:
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }:
                    return true;
            }
        return false;
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var buffer = new char[limit + 1];
        var total = 0;
        int read;
        while (total <= limit && (read = await reader.ReadAsync(buffer.AsMemory(total, buffer.Length - total), ct)) > 0) total += read;
        return total > limit ? null : new string(buffer, 0, total);
    }

    private static string? OrderIdOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var orderId = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("order_id", out var o)
                          && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            // Not one of our transaction ids (nor text a database column may hold): an unknown order.
            return orderId is { Length: > 0 and <= 64 } && ApiParams.TextProblem(orderId) is null ? orderId : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null; // not JSON, or an order_id that is not valid UTF-16 (an unpaired surrogate)
        }
    }
}
