using Inexopay.Server.Api;
using Inexopay.Server.Auth;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Storage;

namespace Inexopay.Server.Features.Accounts;

/// <summary><c>/api/check_status.php</c> and <c>/api/balance.php</c>: each keeps its own shape from the contract.</summary>
public static class AccountEndpoints
{
    public const string BalanceMissingParameters = "Missing or Invalid Parameters (api_key and username both required)";

    /// <summary>check_status.php: <c>status_code</c>, <c>status</c>, <c>message</c>.</summary>
    public static readonly ApiErrorShape CheckStatusErrors = ApiErrorShape.StatusCode(new ApiErrorMessages(ApiErrorTexts.MissingOrInvalidParameters));

    /// <summary>balance.php: <c>status</c>, <c>error_code</c>, <c>message</c>.</summary>
    public static readonly ApiErrorShape BalanceErrors = ApiErrorShape.ErrorCode(new ApiErrorMessages(BalanceMissingParameters));

    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPostOnly("/api/check_status.php", CheckStatusAsync, CheckStatusErrors);
        app.MapPostOnly("/api/balance.php", BalanceAsync, BalanceErrors);
    }

    private static IResult StatusFail(int code, string message, AuthResult? auth, Dictionary<string, object?>? data = null)
    {
        var body = Json.Object(("status_code", code), ("status", "FAILED"), ("message", message));
        if (data is not null) body["data"] = data;
        else if (auth is not null) body["your_ip"] = auth.YourIp;
        return Json.Result(code, body, auth?.RetryAfterSeconds ?? 0);
    }

    private static async Task<IResult> CheckStatusAsync(HttpContext http, ResellerAuthenticator authenticator, ClientIp clientIp,
        InexopayDb db, CancellationToken ct)
    {
        var p = await ApiParams.ReadAsync(http.Request, ct);
        if (p.Problem is { } problem) return ApiErrorHandling.UnreadableBody(http, problem);
        var auth = await authenticator.AuthenticateAsync(p.Username, p.ApiKey, clientIp.Of(http), ct);
        if (!auth.Ok)
        {
            var (code, message) = AuthMessages.For(auth, (401, "API Key and Username are required"), "Invalid API Key or Username");
            var data = auth.Failure == AuthFailure.IpNotWhitelisted
                ? Json.Object(("owner_name", auth.Reseller!.OwnerName), ("api_status", "INACTIVE"), ("ip_status", "MISMATCH"))
                : null;
            return StatusFail(code, message, auth, data);
        }

        var r = auth.Reseller!;
        var balance = await Ledger.BalanceAsync(db, r.WalletId, ct);
        return Json.Result(200, Json.Object(
            ("status_code", 200),
            ("status", "SUCCESS"),
            ("message", "API Status Retrieved"),
            ("data", Json.Object(
                ("owner_name", r.OwnerName),
                ("api_balance", Money.Rupees(balance)),
                ("api_status", "ACTIVE"),
                ("plan_name", r.PlanName),
                ("bind_ip", auth.BindIp),
                ("your_ip", auth.YourIp),
                ("ip_status", ResellerAuthenticator.IsBound(r, auth.ClientIp) ? "MATCHED" : "NOT_REQUIRED_IN_TEST_MODE"),
                ("mode", AuthMessages.ModeName(r.Mode)),
                ("plan_expires_at", WireTime.Format(r.PlanExpiresAt)),
                ("rate_limit_per_minute", r.RateLimitPerMinute)))));
    }

    private static async Task<IResult> BalanceAsync(HttpContext http, ResellerAuthenticator authenticator, ClientIp clientIp,
        InexopayDb db, CancellationToken ct)
    {
        var p = await ApiParams.ReadAsync(http.Request, ct);
        if (p.Problem is { } problem) return ApiErrorHandling.UnreadableBody(http, problem);
        var auth = await authenticator.AuthenticateAsync(p.Username, p.ApiKey, clientIp.Of(http), ct);
        if (!auth.Ok)
        {
            var (code, message) = AuthMessages.For(auth,
                (400, BalanceMissingParameters), "Invalid Api Key or Username");
            return Json.Result(code, Json.Object(("status", "FAILED"), ("error_code", code), ("message", message)), auth.RetryAfterSeconds);
        }

        var r = auth.Reseller!;
        var balance = await Ledger.BalanceAsync(db, r.WalletId, ct);
        return Json.Result(200, Json.Object(
            ("status", "SUCCESS"),
            ("error_code", 200),
            ("message", "Balance fetched successfully"),
            ("balance", Money.Rupees(balance)),
            ("username", r.Username),
            ("mode", AuthMessages.ModeName(r.Mode))));
    }
}
