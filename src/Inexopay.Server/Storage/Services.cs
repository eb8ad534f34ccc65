namespace Inexopay.Server.Storage;

public enum PanApplicationStatus { Pending, Succeeded, Failed }

/// <summary>A PAN application (new or correction); its money lives on the <see cref="Order"/> it shares the id with.</summary>
public sealed class PanApplication
{
    public long OrderId { get; set; }
    public long ResellerId { get; set; }
    public ApiMode Mode { get; set; }
    public required string Mobile { get; set; }
    /// <summary>EKYC or ESIGN.</summary>
    public required string PanMode { get; set; }
    /// <summary>new_pan or correction.</summary>
    public required string PanType { get; set; }
    public required string ReturnUrl { get; set; }
    public PanApplicationStatus Status { get; set; }
    /// <summary>15-digit acknowledgement number, once the portal has issued it.</summary>
    public string? AcknowledgementNumber { get; set; }
    /// <summary>The transaction id sent to the portal (Protean's txnid, or the parent's order id in live mode).</summary>
    public required string PortalTxnId { get; set; }
    public string? FailureReason { get; set; }
    public DateTime? LastPolledAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class BankAgent
{
    public long Id { get; set; }
    public long ResellerId { get; set; }
    public ApiMode Mode { get; set; }
    /// <summary>The BC agent id, e.g. INEXO0001.</summary>
    public required string AgentCode { get; set; }
    public long OrderId { get; set; }
    public required string Pan { get; set; }
    public required string Name { get; set; }
    public required string ShopName { get; set; }
    public required string Email { get; set; }
    public required string Mobile { get; set; }
    public DateOnly DateOfBirth { get; set; }
    public required string Address { get; set; }
    public required string State { get; set; }
    public required string City { get; set; }
    public required string Pincode { get; set; }
    /// <summary>active, pending, rejected.</summary>
    public required string Status { get; set; }
    /// <summary>The parent's agent id in live mode.</summary>
    public string? UpstreamAgentId { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class BankAccount
{
    public long Id { get; set; }
    public long ResellerId { get; set; }
    public ApiMode Mode { get; set; }
    public long OrderId { get; set; }
    public long AgentId { get; set; }
    /// <summary>saving or current.</summary>
    public required string AccountType { get; set; }
    public required string FirstName { get; set; }
    public string? MiddleName { get; set; }
    public required string LastName { get; set; }
    public required string Email { get; set; }
    public required string Phone { get; set; }
    public required string CustomerPan { get; set; }
    public required string Pincode { get; set; }
    public string? AccountNumber { get; set; }
    public string? Ifsc { get; set; }
    public string? Branch { get; set; }
    /// <summary>active, pending, rejected, failed.</summary>
    public required string Status { get; set; }
    /// <summary>verified, pending, rejected.</summary>
    public required string KycStatus { get; set; }
    public long BalancePaise { get; set; }
    public string? UpstreamRef { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum OutboxStatus { Pending, Delivered, Dead }

/// <summary>A signed server-to-server notification, written in the same transaction as the change it reports.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    /// <summary>The Standard Webhooks <c>webhook-id</c> ("msg_…"), stable across retries.</summary>
    public required string MessageId { get; set; }
    public long ResellerId { get; set; }
    public long? OrderId { get; set; }
    public required string EventType { get; set; }
    public required string TargetUrl { get; set; }
    public required string Payload { get; set; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    /// <summary>Which node holds the delivery claim, and until when (claims expire so a dead node's work is picked up).</summary>
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntil { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
}

public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public long OutboxMessageId { get; set; }
    public DateTime AttemptedAt { get; set; }
    public int? ResponseStatus { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
}
