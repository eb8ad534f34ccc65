using System.Globalization;
using Inexopay.Server.Storage;

namespace Inexopay.Server.Features.Bank;

/// <summary>What the bank (simulated or the parent API) said about an agent or an account.</summary>
public enum BankAnswer
{
    /// <summary>Agent approved / account opened with KYC verified.</summary>
    Active,
    /// <summary>Accepted; the bank decides later (agent approval, customer KYC). The charge stands meanwhile.</summary>
    Pending,
    /// <summary>The bank refused the agent or the customer: final, refunded.</summary>
    Rejected,
    /// <summary>The bank answered with an error of its own: final, refunded.</summary>
    SystemError,
    /// <summary>A status query found nothing under that order id (the create never landed).</summary>
    NotFound,
}

public sealed record AgentOutcome(BankAnswer Answer, string? UpstreamAgentId = null, string? Message = null);

public sealed record AccountOutcome(BankAnswer Answer, string? AccountNumber = null, string? Ifsc = null, string? Branch = null,
    string? Message = null, long? BalancePaise = null, string? LastTransaction = null);

/// <summary>
/// The bank behind the endpoints: <see cref="SandboxBank"/> for test keys, <see cref="UpstreamBank"/> (the parent
/// INEXOPAY-compatible API) for live keys. Creates are never retried by a gateway; reads may be.
/// </summary>
public interface IBankGateway
{
    /// <summary>Registers the agent. <paramref name="providerOrderId"/> is unique per attempt and lets an ambiguous call be reconciled.</summary>
    Task<AgentOutcome> OnboardAsync(BankAgent agent, string providerOrderId, CancellationToken ct);

    Task<AccountOutcome> OpenAccountAsync(BankAccount account, BankAgent agent, string providerOrderId, CancellationToken ct);

    /// <summary>Where an onboarding attempt stands now (re-checks pending and interrupted attempts).</summary>
    Task<AgentOutcome> AgentStatusAsync(BankAgent agent, string providerOrderId, CancellationToken ct);

    /// <summary>Where an account opening stands now.</summary>
    Task<AccountOutcome> AccountStatusAsync(BankAccount account, BankAgent agent, string providerOrderId, CancellationToken ct);

    /// <summary>Balance and last transaction of an open account, or null when the bank has nothing newer than our record.</summary>
    Task<AccountOutcome?> AccountDetailsAsync(BankAccount account, CancellationToken ct);
}

/// <summary>Agent and account states as stored and shown.</summary>
public static class BankStatus
{
    public const string Active = "active";
    public const string Pending = "pending";
    public const string Rejected = "rejected";
    public const string Failed = "failed";

    public const string KycVerified = "verified";
    public const string KycPending = "pending";
    public const string KycRejected = "rejected";
    public const string KycFailed = "failed";

    public static (string Status, string Kyc) Of(BankAnswer answer) => answer switch
    {
        BankAnswer.Active => (Active, KycVerified),
        BankAnswer.Pending => (Pending, KycPending),
        BankAnswer.Rejected => (Rejected, KycRejected),
        _ => (Failed, KycFailed),
    };

    public static string KycOfAgent(string status) => status switch
    {
        Active => KycVerified,
        Pending => KycPending,
        Rejected => KycRejected,
        _ => KycFailed,
    };
}
