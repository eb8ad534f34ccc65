using System.Text.Json;
using Inexopay.Server.Api;
using Inexopay.Server.Auth;
using Inexopay.Server.Observability;
using Inexopay.Server.Orders;
using Inexopay.Server.Storage;
using Microsoft.AspNetCore.Http.Features;

namespace Inexopay.Server.Features.Verification;

/// <summary>
/// <c>POST /v1/NSDLPanVerificationDirect</c>, the HyperVerge NSDL PAN Direct contract. Checks run in this order, the
/// first failure answering:
/// <list type="number">
/// <item>credentials (headers appId = username, appKey = live or test key): missing, malformed, unknown or not
/// this username's → 401 "Missing/Invalid credentials" (no metaData, as in the contract). Unknown keys get the same
/// answer as missing ones so that the endpoint does not tell which usernames or keys exist; the contract reserves
/// "Authentication Failure" for the provider's certificate check, so it only comes from the (simulated) upstream;</item>
/// <item>live key from an unbound IP → 403 "User not authorized" (+ <c>reason</c> with both IPs); suspended account
/// → 403 "User ID Deactivated"; no plan or plan expired → 403 "User validity has expired" (+ <c>reason</c>);
/// over the plan's rate → 429 in the failure shape with Retry-After;</item>
/// <item>transactionId, then the JSON body (not a JSON object, or over 16 KB → the catalogue's "PAN Number invalid"
/// row, since pan cannot be read, with the reason in <c>reason</c>: a client mistake, not the provider's "System
/// Failure"), then pan, name, fatherName, dob (see <see cref="PanQueryValidator"/>) → the catalogue's 400s; a value
/// that is not valid text (an unpaired surrogate, invalid UTF-8) is that field's row;</item>
/// <item>live key while no live provider is configured → 503 "PAN verification is not configured for live mode",
/// nothing charged; plan without PAN verification → 403 "User not authorized";</item>
/// <item>transactionId already used by this key's mode for any service → 409 "Duplicate Transaction ID entered",
/// nothing charged; the wallet cannot cover the fee → 402 "Insufficient balance…".</item>
/// </list>
/// Then the fee is charged with the order, the provider asked (test keys: <see cref="PanSandbox"/>; live keys:
/// <see cref="HyperVergeConnector"/>), and anything but a result is refunded at once (billing follows the peers:
/// only answered inquiries are paid). Money outcome is added as extra top-level fields (charged, refunded, balance).
/// </summary>
public sealed class PanVerificationEndpoint(
    ResellerAuthenticator authenticator,
    ClientIp clientIp,
    PanSandbox sandbox,
    HyperVergeConnector hyperVerge,
    TimeProvider clock,
    RejectionLog rejections,
    ILogger<PanVerificationEndpoint> log)
{
    public const string Path = "/v1/NSDLPanVerificationDirect";
    public const int MaxBodyBytes = 16 * 1024;
    public const string MalformedBody = "Request body must be a JSON object with pan, name, dob and optional fatherName (content-type: application/json)";
    public const string NotConfigured = "PAN verification is not configured for live mode";

    /// <summary>
    /// The contract's failure shape: message, statusCode, status, metaData (for the catalogue rows that carry it),
    /// and the detail as <c>reason</c>. An unreadable body is the first field's row (pan is null); an outage or a
    /// bug is the catalogue's generic "System Failure…" (with 503 while the database is unreachable).
    /// </summary>
    public static readonly ApiErrorShape Errors = new("hyperverge",
        new ApiErrorMessages(Catalogue.PanInvalid.Message)
        {
            Unavailable = Catalogue.SystemFailure.Message,
            InternalError = Catalogue.SystemFailure.Message,
        },
        (http, e) =>
        {
            var withMeta = Catalogue.All.Any(row => row.HasMetaData && row.StatusCode == e.Status && row.Message == e.Message);
            var meta = withMeta
                ? Meta(NewRequestId(http.RequestServices.GetRequiredService<TimeProvider>()), http.Request.Headers["transactionId"].ToString().Trim())
                : null;
            return Respond(e.Status, e.Message, meta, e.RetryAfterSeconds, e.Detail is null ? [] : [("reason", e.Detail)]);
        });

    /// <remarks>
    /// An exception (the database down, a bug) is answered by <see cref="ApiErrorHandling"/> in <see cref="Errors"/>:
    /// 503 or 500 "System Failure…"; a charged order it leaves in flight is settled by crash recovery.
    /// </remarks>
    public async Task<IResult> HandleAsync(HttpContext http, OrderPipeline orders)
    {
        var ct = http.RequestAborted;
        var headers = http.Request.Headers;
        var transactionId = headers["transactionId"].ToString().Trim();
        var meta = Meta(NewRequestId(clock), transactionId);

        var auth = await authenticator.AuthenticateAsync(headers["appId"].ToString(), headers["appKey"].ToString(), clientIp.Of(http), ct);
        if (!auth.Ok) return Refused(auth, meta);
        var reseller = auth.Reseller!;

        if (!PanQueryValidator.IsValidTransactionId(transactionId)) return Failure(Catalogue.TransactionIdInvalid, meta);
        var (read, unreadable) = await ReadBodyAsync(http, ct);
        using var body = read;
        if (body is null) return Failure(Catalogue.PanInvalid, meta, ("reason", unreadable));
        if (PanQueryValidator.Validate(body.RootElement, clock.GetUtcNow(), out var query) is { } invalid) return Failure(invalid, meta);

        if (reseller.Mode == ApiMode.Live && !hyperVerge.IsConfigured)
            return Failure(503, NotConfigured, meta, ("reason",
                "The operator has not connected a live PAN verification provider. Test keys (ixp_test_…) use the sandbox."));

        var requestJson = $$"""{"pan":"{{PanMask.Mask(query!.Pan)}}","fatherName":{{(query.FatherName is null ? "false" : "true")}}}""";
        var requestId = (string)meta["requestId"]!;

        // Sandbox answers known at once are recorded with the charge, in one transaction: the hot path.
        if (reseller.Mode == ApiMode.Test)
        {
            var (answer, delay) = sandbox.Answer(query, requestId);
            if (answer.Result is { } immediate && delay == TimeSpan.Zero)
            {
                var resultJson = ResultJson(immediate);
                var done = await orders.PlaceAsync(reseller, Services.PanVerification, transactionId, requestJson, (_, order) =>
                {
                    order.Status = OrderStatus.Succeeded;
                    order.ProviderRef = requestId;
                    order.ResultJson = resultJson;
                    order.ProviderCallStartedAt = null;
                    return Task.CompletedTask;
                }, ct);
                return done.Status == PlaceStatus.Placed ? Success(immediate, meta, done.FeePaise, done.BalanceAfterPaise) : NotPlaced(done, reseller, meta);
            }
        }

        var placed = await orders.PlaceAsync(reseller, Services.PanVerification, transactionId, requestJson, ct: ct);
        if (placed.Status != PlaceStatus.Placed) return NotPlaced(placed, reseller, meta);
        var charged = placed.Order!;

        // Charged from here on: finish the order whatever the client does, so it never stays paid and unanswered.
        var final = await AskProviderAsync(reseller.Mode, query, requestId, charged);
        var outcome = final.Result is { } result
            ? ProviderOutcome.Succeeded(final.ProviderRequestId ?? requestId, ResultJson(result))
            : ProviderOutcome.Failed(final.Detail ?? final.Error!.Message);
        var completed = await orders.TryCompleteAsync(charged, outcome, ct: CancellationToken.None);
        var balance = completed.BalanceAfterPaise;

        if (final.Result is { } ok && completed.Status == OrderStatus.Succeeded) return Success(ok, meta, placed.FeePaise, balance);
        if (final.Result is not null)
        {
            // The answer came too late: crash recovery had already failed and refunded the order, so it is not sold.
            return Failure(Catalogue.SystemError, meta, ("charged", Money.Rupees(placed.FeePaise)),
                ("refunded", Money.Rupees(completed.Refunded ? placed.FeePaise : 0)), ("balance", Money.Rupees(balance)));
        }
        log.LogWarning("PAN verification order {OrderId} ({Pan}) failed upstream: {Detail}; refunded: {Refunded}",
            charged.Id, PanMask.Mask(query.Pan), final.Detail, completed.Refunded);
        return Failure(final.Error!, meta, ("charged", Money.Rupees(placed.FeePaise)),
            ("refunded", Money.Rupees(completed.Refunded ? placed.FeePaise : 0)), ("balance", Money.Rupees(balance)));
    }

    private async Task<PanVerifierAnswer> AskProviderAsync(ApiMode mode, PanQuery query, string requestId, Order order)
    {
        try
        {
            if (mode == ApiMode.Live) return await hyperVerge.VerifyAsync(query, UpstreamTransactionId(order), CancellationToken.None);
            var (answer, delay) = sandbox.Answer(query, requestId);
            if (delay > TimeSpan.Zero) await Task.Delay(delay, clock, CancellationToken.None);
            return answer;
        }
        catch (Exception e)
        {
            // A bug or an unexpected transport failure: the outcome is unknown to the reseller, so refund.
            log.LogError(e, "PAN verification order {OrderId} ({Pan}): provider call failed", order.Id, PanMask.Mask(query.Pan));
            return PanVerifierAnswer.Failure(Catalogue.SystemError, null, "provider call failed: " + e.GetType().Name);
        }
    }

    /// <summary>Our order id, sent as the provider's transactionId.</summary>
    public static string UpstreamTransactionId(Order order) => "ixp-" + order.Id;

    /// <summary>
    /// The body as a JSON object, whatever content-type was declared (clients often forget it); otherwise null and
    /// why. The catalogue has no row for an unreadable body: it is answered as the first field's row (pan is null),
    /// with the reason, and logged once.
    /// </summary>
    private async Task<(JsonDocument? Body, string Problem)> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        string problem;
        try
        {
            var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && HasReadableNames(doc.RootElement)) return (doc, "");
            problem = doc.RootElement.ValueKind == JsonValueKind.Object ? ApiErrorTexts.NotUtf8 : MalformedBody;
            doc.Dispose();
        }
        catch (JsonException)
        {
            problem = MalformedBody;
        }
        catch (BadHttpRequestException e)
        {
            problem = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? $"The request body is larger than {MaxBodyBytes / 1024} KB." : ApiErrorTexts.BodyIncomplete;
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            problem = ApiErrorTexts.BodyIncomplete; // e.g. Kestrel's "Bad chunk size data" for a chunk size that overflows
        }
        rejections.Rejected(http, 400, problem);
        return (null, problem);
    }

    /// <summary>
    /// False when a property name is not valid text (an unpaired surrogate escape, invalid UTF-8): looking up any
    /// field past it would throw, so the body as a whole is unreadable.
    /// </summary>
    private static bool HasReadableNames(JsonElement body)
    {
        try
        {
            foreach (var property in body.EnumerateObject()) _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private IResult NotPlaced(PlaceResult placed, ResellerContext reseller, Dictionary<string, object?> meta) => placed.Status switch
    {
        PlaceStatus.Duplicate => Failure(Catalogue.DuplicateTransactionId, meta),
        PlaceStatus.InsufficientBalance => Failure(402,
            $"Insufficient balance: PAN verification costs INR {Money.Rupees(placed.FeePaise)} and your {AuthMessages.ModeName(reseller.Mode)} wallet has INR {Money.Rupees(placed.BalanceAfterPaise)}",
            meta, ("required", Money.Rupees(placed.FeePaise)), ("balance", Money.Rupees(placed.BalanceAfterPaise))),
        PlaceStatus.ServiceNotInPlan => Failure(Catalogue.UserNotAuthorized, meta, ("reason", $"Your plan ({reseller.PlanName}) does not include PAN verification.")),
        _ => throw new InvalidOperationException("placed orders are answered by the caller"),
    };

    private static IResult Refused(AuthResult auth, Dictionary<string, object?> meta) => auth.Failure switch
    {
        AuthFailure.IpNotWhitelisted => Failure(Catalogue.UserNotAuthorized, meta, ("reason", AuthMessages.IpMismatch(auth)), ("your_ip", auth.YourIp)),
        AuthFailure.AccountInactive => Failure(Catalogue.UserIdDeactivated, meta, ("reason", AuthMessages.AccountInactive)),
        AuthFailure.NoActivePlan => Failure(Catalogue.UserValidityExpired, meta, ("reason", AuthMessages.NoActivePlan)),
        AuthFailure.PlanExpired => Failure(Catalogue.UserValidityExpired, meta, ("reason", AuthMessages.PlanExpired),
            ("plan_expired_at", WireTime.Format(auth.Reseller!.PlanExpiresAt))),
        AuthFailure.RateLimited => Respond(429, AuthMessages.For(auth, default, "").Message, meta, auth.RetryAfterSeconds, []),
        _ => Failure(Catalogue.MissingCredentials, meta),
    };

    public static IResult Failure(CatalogueError error, Dictionary<string, object?> meta, params (string, object?)[] extras) =>
        Respond(error.StatusCode, error.Message, error.HasMetaData ? meta : null, 0, extras);

    public static IResult Failure(int status, string message, Dictionary<string, object?>? meta, params (string, object?)[] extras) =>
        Respond(status, message, meta, 0, extras);

    /// <summary>The contract's failure shape: message, statusCode, status, metaData (when it has one), then extras.</summary>
    private static IResult Respond(int status, string message, Dictionary<string, object?>? meta, int retryAfter, (string, object?)[] extras)
    {
        var body = Json.Object(("message", message), ("statusCode", status), ("status", "failure"));
        if (meta is not null) body["metaData"] = meta;
        foreach (var (name, value) in extras) body[name] = value;
        return Json.Result(status, body, retryAfter);
    }

    private static IResult Success(PanResult r, Dictionary<string, object?> meta, long feePaise, long balancePaise)
    {
        var result = Json.Object(("pan", r.Pan), ("panStatus", r.PanStatus), ("name", r.Name), ("fathername", r.FatherName),
            ("dob", r.Dob), ("seedingStatus", r.SeedingStatus));
        if (r.NameMatchScore is { } score) result["nameMatchScore"] = score;
        if (r.FatherNameMatchScore is { } fatherScore) result["fatherNameMatchScore"] = fatherScore;
        return Json.Result(200, Json.Object(("status", "success"), ("statusCode", 200), ("result", result), ("metaData", meta),
            ("charged", Money.Rupees(feePaise)), ("balance", Money.Rupees(balancePaise))));
    }

    /// <summary>The outcome kept on the order: match results only, no personal data.</summary>
    private static string ResultJson(PanResult r) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["panStatus"] = r.PanStatus, ["name"] = r.Name, ["fathername"] = r.FatherName, ["dob"] = r.Dob,
        ["seedingStatus"] = r.SeedingStatus, ["nameMatchScore"] = r.NameMatchScore, ["fatherNameMatchScore"] = r.FatherNameMatchScore,
    });

    private static Dictionary<string, object?> Meta(string requestId, string transactionId) =>
        Json.Object(("requestId", requestId), ("transactionId", transactionId.Length == 0 ? null : transactionId));

    private static string NewRequestId(TimeProvider clock) => $"{clock.GetUtcNow().ToUnixTimeMilliseconds()}-{Guid.NewGuid():D}";
}
