using Inexopay.Server.Auth;

namespace Inexopay.Server.Api;

/// <summary>The contract's status code and message for each authentication outcome, shared by the portal endpoints.</summary>
public static class AuthMessages
{
    public const string IpNotWhitelisted = "IP Address Not Whitelisted";
    public const string AccountInactive = "Account Inactive";
    public const string NoActivePlan = "No active subscription plan found";
    public const string PlanExpired = "Your subscription plan has expired";

    /// <param name="missing">The endpoint's own wording (and code) for missing credentials.</param>
    /// <param name="invalid">The endpoint's own wording for an unknown key or username.</param>
    public static (int Code, string Message) For(AuthResult auth, (int Code, string Message) missing, string invalid) => auth.Failure switch
    {
        AuthFailure.MissingCredentials => missing,
        AuthFailure.InvalidCredentials => (401, invalid),
        AuthFailure.IpNotWhitelisted => (403, IpMismatch(auth)),
        AuthFailure.AccountInactive => (403, AccountInactive),
        AuthFailure.NoActivePlan => (403, NoActivePlan),
        AuthFailure.PlanExpired => (403, PlanExpired),
        AuthFailure.RateLimited => (429, $"Too Many Requests. Your plan allows {auth.Reseller!.RateLimitPerMinute} requests per minute; retry after {auth.RetryAfterSeconds} seconds."),
        _ => throw new ArgumentOutOfRangeException(nameof(auth), auth.Failure, "not a failure"),
    };

    public static string IpMismatch(AuthResult auth) =>
        $"{IpNotWhitelisted}. Your IP: {auth.YourIp} does not match Bind IP: {(auth.BindIp.Length == 0 ? "none" : auth.BindIp)}.";

    public static string ModeName(Storage.ApiMode mode) => mode == Storage.ApiMode.Live ? "live" : "test";
}
