using System.Collections.Concurrent;
using System.Net;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Auth;

/// <summary>What a request may do, once its key is known. Cached briefly; money is never cached.</summary>
public sealed record ResellerContext(
    long ResellerId,
    string Username,
    string OwnerName,
    ApiMode Mode,
    /// <summary>The wallet of the key's mode.</summary>
    long WalletId,
    ResellerStatus Status,
    long? PlanId,
    string? PlanName,
    DateTime? PlanExpiresAt,
    int RateLimitPerMinute,
    IReadOnlyDictionary<string, PlanFee> Fees,
    IReadOnlyList<string> BoundIps,
    string WebhookSecret)
{
    public long? FeeFor(string service) => Fees.TryGetValue(service, out var fee) ? fee.FeePaise : null;
}

public enum AuthFailure
{
    None,
    MissingCredentials,
    InvalidCredentials,
    IpNotWhitelisted,
    AccountInactive,
    NoActivePlan,
    PlanExpired,
    RateLimited,
}

public sealed record AuthResult(AuthFailure Failure, ResellerContext? Reseller, IPAddress ClientIp, int RetryAfterSeconds = 0)
{
    public bool Ok => Failure == AuthFailure.None;
    public string YourIp => ClientIp.ToString();
    public string BindIp => Reseller is null ? "" : string.Join(", ", Reseller.BoundIps);
}

/// <summary>
/// Runs the checks every API request goes through, in the order PRODUCT.md 2 fixes: missing credentials →
/// unknown key or username → IP binding (live keys) → account inactive → no plan / plan expired → rate limit.
/// Each endpoint turns the outcome into its own message and shape.
/// </summary>
public sealed class ResellerAuthenticator(
    IDbContextFactory<InexopayDb> dbFactory,
    TimeProvider clock,
    RateLimiter rateLimiter,
    IConfiguration config)
{
    private readonly TimeSpan _cacheFor = TimeSpan.FromSeconds(config.GetValue("Auth:CacheSeconds", 2.0));
    private readonly ConcurrentDictionary<string, (ResellerContext? Context, DateTime Until)> _cache = new();

    public async Task<AuthResult> AuthenticateAsync(string? username, string? apiKey, IPAddress clientIp, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrWhiteSpace(apiKey))
            return new AuthResult(AuthFailure.MissingCredentials, null, clientIp);
        apiKey = apiKey.Trim();
        if (ApiKeys.ModeOf(apiKey) is null) return new AuthResult(AuthFailure.InvalidCredentials, null, clientIp);

        var reseller = await LookupAsync(ApiKeys.Hash(apiKey), ct);
        if (reseller is null || !string.Equals(reseller.Username, username.Trim(), StringComparison.Ordinal))
            return new AuthResult(AuthFailure.InvalidCredentials, null, clientIp);

        if (reseller.Mode == ApiMode.Live && !IsBound(reseller, clientIp))
            return new AuthResult(AuthFailure.IpNotWhitelisted, reseller, clientIp);
        if (reseller.Status != ResellerStatus.Active) return new AuthResult(AuthFailure.AccountInactive, reseller, clientIp);
        if (reseller.PlanId is null) return new AuthResult(AuthFailure.NoActivePlan, reseller, clientIp);
        if (reseller.PlanExpiresAt is { } expires && expires <= clock.GetUtcNow().UtcDateTime)
            return new AuthResult(AuthFailure.PlanExpired, reseller, clientIp);

        var retryAfter = rateLimiter.TryAcquire(reseller.ResellerId, reseller.RateLimitPerMinute);
        if (retryAfter > 0) return new AuthResult(AuthFailure.RateLimited, reseller, clientIp, retryAfter);
        return new AuthResult(AuthFailure.None, reseller, clientIp);
    }

    public static bool IsBound(ResellerContext reseller, IPAddress clientIp) =>
        reseller.BoundIps.Any(b => IpRange.TryParse(b, out var range) && range.Contains(clientIp));

    /// <summary>Forget cached keys at once (after a rotation, suspension or IP change made by this process).</summary>
    public void Invalidate() => _cache.Clear();

    private async Task<ResellerContext?> LookupAsync(string keyHash, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_cache.TryGetValue(keyHash, out var cached) && cached.Until > now) return cached.Context;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys
            .Where(k => k.KeyHash == keyHash && (k.ExpiresAt == null || k.ExpiresAt > now))
            .Select(k => new { k.Mode, k.ExpiresAt, k.Reseller })
            .FirstOrDefaultAsync(ct);
        ResellerContext? context = null;
        if (key?.Reseller is { } r)
        {
            var plan = r.PlanId is null ? null : await db.Plans.Include(p => p.Fees).FirstOrDefaultAsync(p => p.Id == r.PlanId, ct);
            var walletId = await db.Wallets.Where(w => w.ResellerId == r.Id && w.Mode == key.Mode).Select(w => w.Id).FirstAsync(ct);
            var ips = await db.BoundIps.Where(b => b.ResellerId == r.Id).Select(b => b.Value).ToListAsync(ct);
            context = new ResellerContext(r.Id, r.Username, r.OwnerName, key.Mode, walletId, r.Status, plan?.Id, plan?.Name, r.PlanExpiresAt,
                plan?.RateLimitPerMinute ?? 0, plan?.Fees.ToDictionary(f => f.Service) ?? new Dictionary<string, PlanFee>(), ips,
                r.WebhookSecret);
        }
        var until = now + _cacheFor;
        if (key?.ExpiresAt is { } expiresAt && expiresAt < until) until = expiresAt;
        if (_cacheFor > TimeSpan.Zero) _cache[keyHash] = (context, until);
        return context;
    }
}
