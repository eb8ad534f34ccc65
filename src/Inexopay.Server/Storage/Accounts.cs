namespace Inexopay.Server.Storage;

/// <summary>The key (and so the request) decides which wallet, orders and provider are used.</summary>
public enum ApiMode { Live, Test }

public enum ResellerStatus { Active, Suspended }

public sealed class Reseller
{
    public long Id { get; set; }
    public required string Username { get; set; }
    public required string OwnerName { get; set; }
    public required string Email { get; set; }
    /// <summary>PBKDF2 hash for the reseller panel; null until a password is set.</summary>
    public string? PasswordHash { get; set; }
    public ResellerStatus Status { get; set; } = ResellerStatus.Active;
    public long? PlanId { get; set; }
    public Plan? Plan { get; set; }
    public DateTime? PlanExpiresAt { get; set; }
    /// <summary>Standard Webhooks secret, <c>whsec_</c> + base64.</summary>
    public required string WebhookSecret { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<ApiKey> ApiKeys { get; set; } = [];
    public List<BoundIp> BoundIps { get; set; } = [];
}

public sealed class ApiKey
{
    public long Id { get; set; }
    public long ResellerId { get; set; }
    public Reseller? Reseller { get; set; }
    public ApiMode Mode { get; set; }
    /// <summary>SHA-256 (hex) of the full key; the key itself is never stored.</summary>
    public required string KeyHash { get; set; }
    /// <summary>First characters of the key, safe to show ("ixp_live_AbC1…").</summary>
    public required string DisplayPrefix { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Null while current; set to the end of the grace period when the key is rotated out.</summary>
    public DateTime? ExpiresAt { get; set; }
}

public sealed class BoundIp
{
    public long Id { get; set; }
    public long ResellerId { get; set; }
    /// <summary>An IPv4/IPv6 address or a CIDR range.</summary>
    public required string Value { get; set; }
}

public sealed class Plan
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public long PricePaise { get; set; }
    public int ValidityDays { get; set; }
    /// <summary>0 = unlimited.</summary>
    public int RateLimitPerMinute { get; set; }
    public int MaxBoundIps { get; set; }
    public List<PlanFee> Fees { get; set; } = [];
}

public sealed class PlanFee
{
    public long Id { get; set; }
    public long PlanId { get; set; }
    /// <summary>One of <see cref="Services"/>.</summary>
    public required string Service { get; set; }
    public long FeePaise { get; set; }
    /// <summary>Credited to the reseller when the service succeeds (bank account opening).</summary>
    public long CommissionPaise { get; set; }
}

/// <summary>The billable services; the names are the ones the CLI and plans use.</summary>
public static class Services
{
    public const string PanVerification = "pan_verification";
    public const string PanNew = "pan_new";
    public const string PanCorrection = "pan_correction";
    public const string BankOnboarding = "bank_onboarding";
    public const string BankAccountOpen = "bank_account_open";

    public static readonly IReadOnlyList<string> All = [PanVerification, PanNew, PanCorrection, BankOnboarding, BankAccountOpen];
}

public sealed class AuditEntry
{
    public long Id { get; set; }
    /// <summary>"cli", "admin:&lt;name&gt;" or "system".</summary>
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public string? Detail { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Named gap-free counters (BC agent ids). Incremented inside the transaction that uses the value.</summary>
public sealed class Counter
{
    public required string Name { get; set; }
    public long Value { get; set; }
}

/// <summary>A person who runs the platform (the /admin panel).</summary>
public sealed class Operator
{
    public long Id { get; set; }
    public required string Username { get; set; }
    public required string PasswordHash { get; set; }
    public DateTime CreatedAt { get; set; }
}
