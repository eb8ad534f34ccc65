namespace Inexopay.Server.Storage;

public sealed class Wallet
{
    public long Id { get; set; }
    public long ResellerId { get; set; }
    public ApiMode Mode { get; set; }
    /// <summary>Always equals the sum of this wallet's ledger entries; never negative.</summary>
    public long BalancePaise { get; set; }
}

public enum LedgerKind { TopUp, Charge, Refund, Adjustment, Commission }

/// <summary>An immutable change of a wallet's balance. Rows are only ever inserted.</summary>
public sealed class LedgerEntry
{
    public long Id { get; set; }
    public long WalletId { get; set; }
    public LedgerKind Kind { get; set; }
    /// <summary>Signed: credits positive, charges negative.</summary>
    public long AmountPaise { get; set; }
    public long BalanceAfterPaise { get; set; }
    public long? OrderId { get; set; }
    /// <summary>For a refund, the charge it reverses; unique, so a charge is refunded at most once.</summary>
    public long? ReversesEntryId { get; set; }
    public string? Reason { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum OrderStatus { Pending, Succeeded, Failed }

/// <summary>
/// One paid call. The reseller's order id (<see cref="OrderRef"/>) is unique per reseller and mode across all services.
/// </summary>
public sealed class Order
{
    public long Id { get; set; }
    public long ResellerId { get; set; }
    public ApiMode Mode { get; set; }
    /// <summary>The reseller's own order id (orderid / order_id / transactionId).</summary>
    public required string OrderRef { get; set; }
    public required string Service { get; set; }
    public OrderStatus Status { get; set; }
    public long FeePaise { get; set; }
    public long? ChargeEntryId { get; set; }
    public bool Refunded { get; set; }
    /// <summary>Set while the provider call is in flight; an order found with it set after a crash is re-checked.</summary>
    public DateTime? ProviderCallStartedAt { get; set; }
    /// <summary>The provider's reference (request id, acknowledgement number, upstream order id).</summary>
    public string? ProviderRef { get; set; }
    /// <summary>Service-specific input needed later (JSON). Holds personal data: never logged.</summary>
    public string? RequestJson { get; set; }
    /// <summary>Service-specific outcome (JSON) used to answer status queries.</summary>
    public string? ResultJson { get; set; }
    public string? FailureReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
