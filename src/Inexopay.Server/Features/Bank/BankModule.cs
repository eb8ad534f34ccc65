using Inexopay.Server.Api;
using Inexopay.Server.Auth;
using Inexopay.Server.Features.Sandbox;
using Inexopay.Server.Providers;

namespace Inexopay.Server.Features.Bank;

/// <summary>
/// NSDL Payments Bank BC services (contract "NSDL Bank" 1–4). Every answer is
/// <c>{"status": true, "message", "data", …}</c> or <c>{"status": false, "error_code": N, "message", …}</c> with HTTP
/// status = error_code. Checks run in PRODUCT.md 2's order: body readable → credentials (400 missing, 401 invalid,
/// 403 IP/inactive/plan, 429 rate) → parameters (400, every problem in <c>errors</c>, nothing changed) → service rules
/// (agent of the request: 400 unknown, 403 PAN mismatch or not active) → 409 duplicate order_id → 402 balance.
/// Documented decisions:
/// <list type="bullet">
/// <item>bcagentid: prefix <c>Bank:AgentIdPrefix</c> (INEXO) + at least 4 digits, gap-free; test and live keys number
/// separately (both start at INEXO0001; unique per mode).</item>
/// <item>A PAN already onboarded by the reseller (same mode) as an active or pending agent: 200, status true,
/// "Agent already onboarded", the existing agent, nothing charged, no order recorded. A rejected or failed agent may
/// be re-submitted with a new order_id: it keeps its bcagentid and takes the new details.</item>
/// <item>Pending (agent approval, customer KYC): status true, data.status "pending"; the order stays pending and the
/// fee stays charged; the account's commission is credited only when it becomes active. Bank rejection: 422,
/// bank or upstream error: 500; both refunded (<c>refunded: true</c>).</item>
/// <item>account-status takes an order_id of an onboarding (data: the agent's status, <c>order_type</c>
/// "agent_onboarding", account fields null) or of an account opening (<c>order_type</c> "account_open").
/// Pending live orders are re-checked with the bank on each status call.</item>
/// <item>account-details: every account application of that PAN opened by the reseller in the mode, latest in
/// <c>data</c>, all (latest first, at most 50) in <c>accounts</c>.</item>
/// <item>Times are IST (yyyy-MM-dd HH:mm:ss). Live keys without <c>Providers:Upstream:*</c>: 503, nothing charged.</item>
/// </list>
/// </summary>
public static class BankModule
{
    public const string OnboardingPath = "/api/nsdl-bank/v1/onboarding.php";
    public const string AccountOpenPath = "/api/nsdl-bank/v1/account-open.php";
    public const string StatusPath = "/api/nsdl-bank/v1/account-status.php";
    public const string DetailsPath = "/api/nsdl-bank/v1/account-details.php";

    public const string InvalidCredentials = "Invalid API key or username";
    public const string MalformedBody = "Malformed request body: send form fields (urlencoded or multipart) or a JSON object";

    /// <summary>The bank endpoints' failure shape: <c>status: false</c>, <c>error_code</c>, <c>message</c>, then extras.</summary>
    public static readonly ApiErrorShape Errors = new("bank", new ApiErrorMessages(MalformedBody), (_, e) =>
        (e.Detail is null ? BankService.Fail(e.Status, e.Message) : BankService.Fail(e.Status, e.Message, ("detail", e.Detail))).ToResult(e.RetryAfterSeconds));
    public const int MinimumAgentAge = 18;

    public static IServiceCollection AddBank(this IServiceCollection services)
    {
        services.AddSingleton<SandboxBank>();
        services.AddSingleton<UpstreamBank>();
        // OutboundCalls applies the per-call timeout; the client itself must not cut calls short.
        services.AddHttpClient(UpstreamBank.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddScoped<BankService>();
        services.AddSingleton<ISandboxTestData, BankSandboxTestData>();
        return services;
    }

    public static void MapBank(this IEndpointRouteBuilder app)
    {
        app.ServiceProvider.GetRequiredService<ProviderHealth>()
            .Configured(UpstreamBank.Provider, app.ServiceProvider.GetRequiredService<UpstreamBank>().Configured);

        app.MapPostOnly(OnboardingPath, OnboardingAsync, Errors);
        app.MapPostOnly(AccountOpenPath, AccountOpenAsync, Errors);
        app.MapPostOnly(StatusPath, StatusAsync, Errors);
        app.MapPostOnly(DetailsPath, DetailsAsync, Errors);
    }

    private static async Task<IResult> OnboardingAsync(HttpContext http, ResellerAuthenticator authenticator, ClientIp clientIp, BankService bank,
        TimeProvider clock, CancellationToken ct)
    {
        var (p, reseller, failure) = await AuthenticateAsync(http, authenticator, clientIp, ct);
        if (failure is not null) return failure;
        var v = new BankValidation(p);
        var request = new OnboardingRequest(
            v.OrderId(),
            v.PlaceName("shop_name", 128),
            v.PersonName("name", 128),
            v.Email("email"),
            v.Mobile("mobile"),
            v.DateOfBirth("date_of_birth", WireTime.Today(clock), MinimumAgentAge),
            v.Address("address", 512),
            v.PlaceName("state_name", 64),
            v.PlaceName("city_name", 64),
            v.Pincode("pincode"),
            v.Pan("pancard"));
        if (!v.Ok) return Invalid(v);
        return (await bank.OnboardAsync(reseller!, request, ct)).ToResult();
    }

    private static async Task<IResult> AccountOpenAsync(HttpContext http, ResellerAuthenticator authenticator, ClientIp clientIp, BankService bank,
        CancellationToken ct)
    {
        var (p, reseller, failure) = await AuthenticateAsync(http, authenticator, clientIp, ct);
        if (failure is not null) return failure;
        var v = new BankValidation(p);
        var orderId = v.OrderId();
        var accountType = v.AccountType("account_type");
        var agentId = v.AgentId("bcagentid");
        var agentPan = v.Pan("agent_pancard");
        var firstName = v.PersonName("first_name", 64);
        var middleName = v.PersonName("middle_name", 64, optional: true);
        var request = new AccountOpenRequest(orderId, accountType, agentId, agentPan, firstName, middleName.Length == 0 ? null : middleName,
            v.PersonName("last_name", 64), v.Email("email"), v.Mobile("phone"), v.Pan("pancard"), v.Pincode("pincode"));
        if (!v.Ok) return Invalid(v);
        return (await bank.OpenAccountAsync(reseller!, request, ct)).ToResult();
    }

    private static async Task<IResult> StatusAsync(HttpContext http, ResellerAuthenticator authenticator, ClientIp clientIp, BankService bank,
        CancellationToken ct)
    {
        var (p, reseller, failure) = await AuthenticateAsync(http, authenticator, clientIp, ct);
        if (failure is not null) return failure;
        var v = new BankValidation(p);
        var orderId = v.OrderId();
        if (!v.Ok) return Invalid(v);
        return (await bank.StatusAsync(reseller!, orderId, ct)).ToResult();
    }

    private static async Task<IResult> DetailsAsync(HttpContext http, ResellerAuthenticator authenticator, ClientIp clientIp, BankService bank,
        CancellationToken ct)
    {
        var (p, reseller, failure) = await AuthenticateAsync(http, authenticator, clientIp, ct);
        if (failure is not null) return failure;
        var v = new BankValidation(p);
        var pan = v.Pan("pancard");
        if (!v.Ok) return Invalid(v);
        return (await bank.DetailsAsync(reseller!, pan, ct)).ToResult();
    }

    private static async Task<(ApiParams Params, ResellerContext? Reseller, IResult? Failure)> AuthenticateAsync(HttpContext http,
        ResellerAuthenticator authenticator, ClientIp clientIp, CancellationToken ct)
    {
        var p = await ApiParams.ReadAsync(http.Request, ct);
        if (p.Problem is { } problem) return (p, null, ApiErrorHandling.UnreadableBody(http, problem));
        var auth = await authenticator.AuthenticateAsync(p.Username, p.ApiKey, clientIp.Of(http), ct);
        if (auth.Ok) return (p, auth.Reseller, null);

        var missing = new[] { ("api_key", p.ApiKey), ("username", p.Username) }.Where(f => string.IsNullOrWhiteSpace(f.Item2)).Select(f => f.Item1).ToList();
        var missingMessage = $"Missing required parameter{(missing.Count > 1 ? "s" : "")}: {string.Join(", ", missing)}";
        var (code, message) = AuthMessages.For(auth, (400, missingMessage), InvalidCredentials);
        return (p, null, BankService.Fail(code, message).ToResult(auth.RetryAfterSeconds));
    }

    private static IResult Invalid(BankValidation v) => BankService.Fail(400, v.Message, ("errors", v.Errors)).ToResult();
}
