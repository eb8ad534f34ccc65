using System.Net.Mail;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Inexopay.Server.Api;
using Inexopay.Server.Auth;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Accounts;

/// <summary>An operator's request that cannot be carried out; the message is shown as it is.</summary>
public sealed class OperatorError(string message) : Exception(message);

public sealed record CreatedReseller(string Username, string OwnerName, string Email, string? Password, string LiveApiKey,
    string TestApiKey, string WebhookSecret, string? Plan, DateTime? PlanExpiresAt, IReadOnlyList<string> BoundIps,
    long LiveBalancePaise, long TestBalancePaise);

/// <summary>Operator actions on reseller accounts, shared by the CLI, the first-run setup and the admin panel.</summary>
public sealed partial class ResellerAccounts(InexopayDb db, TimeProvider clock, ResellerAuthenticator authenticator)
{
    /// <summary>Every new test wallet starts with ₹10,000 so a reseller can try the sandbox at once.</summary>
    public const long TestWalletStartPaise = 10_000_00;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<CreatedReseller> CreateAsync(string? username, string? ownerName, string? email, string? password,
        string? planName, IReadOnlyList<string> bindIps, long liveCreditPaise, string actor, CancellationToken ct = default)
    {
        username = username?.Trim() ?? "";
        if (!UsernamePattern().IsMatch(username))
            throw new OperatorError("--username must be 3-64 characters: letters, digits, '.', '_' or '-'.");
        if (string.IsNullOrWhiteSpace(ownerName) || ownerName.Trim().Length > 128) throw new OperatorError("--name is required (at most 128 characters).");
        if (!IsEmail(email)) throw new OperatorError("--email must be a valid email address.");
        if (password is { Length: < 8 }) throw new OperatorError("--password must have at least 8 characters.");
        var ips = ValidateIps(bindIps);
        if (liveCreditPaise < 0) throw new OperatorError("--credit cannot be negative.");

        Plan? plan = null;
        if (!string.IsNullOrWhiteSpace(planName))
        {
            plan = await db.Plans.FirstOrDefaultAsync(p => p.Name == planName.Trim(), ct)
                ?? throw new OperatorError($"No plan named '{planName}'. See 'plans list'.");
            if (plan.MaxBoundIps > 0 && ips.Count > plan.MaxBoundIps)
                throw new OperatorError($"Plan {plan.Name} allows at most {plan.MaxBoundIps} bound IPs; {ips.Count} given.");
        }
        if (await db.Resellers.AnyAsync(r => r.Username == username, ct)) throw new OperatorError($"Username '{username}' is taken.");

        var now = Now;
        var liveKey = ApiKeys.Generate(ApiMode.Live);
        var testKey = ApiKeys.Generate(ApiMode.Test);
        var reseller = new Reseller
        {
            Username = username,
            OwnerName = ownerName.Trim(),
            Email = email!.Trim(),
            PasswordHash = password is null ? null : Passwords.Hash(password),
            PlanId = plan?.Id,
            PlanExpiresAt = plan is null ? null : now.AddDays(plan.ValidityDays),
            WebhookSecret = NewWebhookSecret(),
            CreatedAt = now,
            ApiKeys =
            [
                new ApiKey { Mode = ApiMode.Live, KeyHash = ApiKeys.Hash(liveKey), DisplayPrefix = ApiKeys.Display(liveKey), CreatedAt = now },
                new ApiKey { Mode = ApiMode.Test, KeyHash = ApiKeys.Hash(testKey), DisplayPrefix = ApiKeys.Display(testKey), CreatedAt = now },
            ],
            BoundIps = ips.Select(v => new BoundIp { Value = v }).ToList(),
        };

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Resellers.Add(reseller);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new OperatorError($"Username '{username}' is taken.");
        }
        var live = new Storage.Wallet { ResellerId = reseller.Id, Mode = ApiMode.Live };
        var test = new Storage.Wallet { ResellerId = reseller.Id, Mode = ApiMode.Test };
        db.Wallets.AddRange(live, test);
        await db.SaveChangesAsync(ct);
        await Ledger.PostAsync(db, test.Id, LedgerKind.TopUp, TestWalletStartPaise, now, "test wallet opening balance", ct: ct);
        if (liveCreditPaise > 0) await Ledger.PostAsync(db, live.Id, LedgerKind.TopUp, liveCreditPaise, now, "opening credit", ct: ct);
        Audit(actor, "users.create", username, $"plan={plan?.Name ?? "-"} ips={string.Join(',', ips)} credit={Money.Rupees(liveCreditPaise)}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();

        return new CreatedReseller(username, reseller.OwnerName, reseller.Email, password, liveKey, testKey, reseller.WebhookSecret,
            plan?.Name, reseller.PlanExpiresAt, ips, liveCreditPaise, TestWalletStartPaise);
    }

    public async Task<Reseller> FindAsync(string? username, CancellationToken ct = default) =>
        await db.Resellers.Include(r => r.Plan).Include(r => r.BoundIps).FirstOrDefaultAsync(r => r.Username == username, ct)
        ?? throw new OperatorError($"No reseller named '{username}'.");

    public async Task SetStatusAsync(string? username, ResellerStatus status, string actor, CancellationToken ct = default)
    {
        var reseller = await FindAsync(username, ct);
        await db.Resellers.Where(r => r.Id == reseller.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status), ct);
        Audit(actor, status == ResellerStatus.Suspended ? "users.suspend" : "users.activate", reseller.Username, null);
        await db.SaveChangesAsync(ct);
        authenticator.Invalidate();
    }

    /// <summary>Subscribes the reseller to a plan, from now for the plan's validity unless an expiry date is given.</summary>
    public async Task<(string Plan, DateTime ExpiresAt)> SetPlanAsync(string? username, string? planName, DateOnly? expires, string actor,
        CancellationToken ct = default)
    {
        var reseller = await FindAsync(username, ct);
        var plan = await db.Plans.FirstOrDefaultAsync(p => p.Name == planName, ct) ?? throw new OperatorError($"No plan named '{planName}'.");
        var ipCount = reseller.BoundIps.Count;
        if (plan.MaxBoundIps > 0 && ipCount > plan.MaxBoundIps)
            throw new OperatorError($"Plan {plan.Name} allows at most {plan.MaxBoundIps} bound IPs; {reseller.Username} has {ipCount}.");
        // A plan given an expiry date runs to the end of that day in India.
        var expiresAt = expires is { } d
            ? d.ToDateTime(new TimeOnly(23, 59, 59), DateTimeKind.Utc).AddMinutes(-330)
            : Now.AddDays(plan.ValidityDays);
        await db.Resellers.Where(r => r.Id == reseller.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.PlanId, plan.Id).SetProperty(r => r.PlanExpiresAt, expiresAt), ct);
        Audit(actor, "users.plan", reseller.Username, $"plan={plan.Name} expires={expiresAt:yyyy-MM-dd}");
        await db.SaveChangesAsync(ct);
        authenticator.Invalidate();
        return (plan.Name, expiresAt);
    }

    /// <summary>Issues a new key for the mode; the old one keeps working for the grace period, then stops.</summary>
    public async Task<string> RotateKeyAsync(string? username, ApiMode mode, TimeSpan grace, string actor, CancellationToken ct = default)
    {
        var reseller = await FindAsync(username, ct);
        var now = Now;
        var key = ApiKeys.Generate(mode);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var graceEnd = now + grace;
        await db.ApiKeys.Where(k => k.ResellerId == reseller.Id && k.Mode == mode && (k.ExpiresAt == null || k.ExpiresAt > graceEnd))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, graceEnd), ct);
        db.ApiKeys.Add(new ApiKey { ResellerId = reseller.Id, Mode = mode, KeyHash = ApiKeys.Hash(key), DisplayPrefix = ApiKeys.Display(key), CreatedAt = now });
        Audit(actor, "keys.rotate", reseller.Username, $"mode={AuthMessages.ModeName(mode)} grace={grace}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        authenticator.Invalidate();
        return key;
    }

    public async Task SetBoundIpsAsync(string? username, IReadOnlyList<string> bindIps, string actor, CancellationToken ct = default)
    {
        var reseller = await FindAsync(username, ct);
        var ips = ValidateIps(bindIps);
        if (reseller.Plan is { MaxBoundIps: > 0 } plan && ips.Count > plan.MaxBoundIps)
            throw new OperatorError($"Plan {plan.Name} allows at most {plan.MaxBoundIps} bound IPs; {ips.Count} given.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.BoundIps.Where(b => b.ResellerId == reseller.Id).ExecuteDeleteAsync(ct);
        db.BoundIps.AddRange(ips.Select(v => new BoundIp { ResellerId = reseller.Id, Value = v }));
        Audit(actor, "users.bind_ip", reseller.Username, string.Join(',', ips));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        authenticator.Invalidate();
    }

    public void Audit(string actor, string action, string? target, string? detail) =>
        db.AuditLog.Add(new AuditEntry { Actor = actor, Action = action, Target = target, Detail = detail, CreatedAt = Now });

    /// <summary>Accepts repeated options and comma lists alike; every entry must be an address or a CIDR range.</summary>
    public static List<string> ValidateIps(IEnumerable<string> values)
    {
        var ips = new List<string>();
        foreach (var value in values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!IpRange.TryParse(value, out _)) throw new OperatorError($"'{value}' is not an IP address or CIDR range.");
            if (!ips.Contains(value)) ips.Add(value);
        }
        return ips;
    }

    public static bool IsEmail(string? email) =>
        !string.IsNullOrWhiteSpace(email) && email.Length <= 256 && MailAddress.TryCreate(email.Trim(), out var a) && a.Address == email.Trim()
        && a.Host.Contains('.');

    private static string NewWebhookSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [GeneratedRegex("^[A-Za-z0-9._-]{3,64}$")]
    private static partial Regex UsernamePattern();
}
