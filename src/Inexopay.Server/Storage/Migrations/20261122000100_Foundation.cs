using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;

namespace Inexopay.Server.Storage.Migrations;

/// <summary>
/// The first schema. Written by hand (the EF design-time tools are not available here) and provider-neutral:
/// no store types are named, so each provider maps the CLR types itself, and identity columns carry the
/// annotations of both providers (each ignores the other's).
/// </summary>
[DbContext(typeof(InexopayDb))]
[Migration("20261122000100_Foundation")]
public sealed class Foundation : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("Plans", t => new
        {
            Id = t.Identity(),
            Name = t.Column<string>(maxLength: 64),
            PricePaise = t.Column<long>(),
            ValidityDays = t.Column<int>(),
            RateLimitPerMinute = t.Column<int>(),
            MaxBoundIps = t.Column<int>(),
        }, constraints: t => t.PrimaryKey("PK_Plans", x => x.Id));
        m.CreateIndex("IX_Plans_Name", "Plans", "Name", unique: true);

        m.CreateTable("PlanFees", t => new
        {
            Id = t.Identity(),
            PlanId = t.Column<long>(),
            Service = t.Column<string>(maxLength: 32),
            FeePaise = t.Column<long>(),
            CommissionPaise = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_PlanFees", x => x.Id);
            t.ForeignKey("FK_PlanFees_Plans_PlanId", x => x.PlanId, "Plans", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_PlanFees_PlanId_Service", "PlanFees", ["PlanId", "Service"], unique: true);

        m.CreateTable("Resellers", t => new
        {
            Id = t.Identity(),
            Username = t.Column<string>(maxLength: 64),
            OwnerName = t.Column<string>(maxLength: 128),
            Email = t.Column<string>(maxLength: 256),
            PasswordHash = t.Column<string>(nullable: true),
            Status = t.Column<string>(maxLength: 16),
            PlanId = t.Column<long>(nullable: true),
            PlanExpiresAt = t.Column<DateTime>(nullable: true),
            WebhookSecret = t.Column<string>(maxLength: 128),
            CreatedAt = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_Resellers", x => x.Id);
            t.ForeignKey("FK_Resellers_Plans_PlanId", x => x.PlanId, "Plans", "Id", onDelete: ReferentialAction.Restrict);
        });
        m.CreateIndex("IX_Resellers_Username", "Resellers", "Username", unique: true);
        m.CreateIndex("IX_Resellers_PlanId", "Resellers", "PlanId");

        m.CreateTable("ApiKeys", t => new
        {
            Id = t.Identity(),
            ResellerId = t.Column<long>(),
            Mode = t.Column<string>(maxLength: 8),
            KeyHash = t.Column<string>(maxLength: 64),
            DisplayPrefix = t.Column<string>(maxLength: 32),
            CreatedAt = t.Column<DateTime>(),
            ExpiresAt = t.Column<DateTime>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_ApiKeys", x => x.Id);
            t.ForeignKey("FK_ApiKeys_Resellers_ResellerId", x => x.ResellerId, "Resellers", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_ApiKeys_KeyHash", "ApiKeys", "KeyHash", unique: true);
        m.CreateIndex("IX_ApiKeys_ResellerId", "ApiKeys", "ResellerId");

        m.CreateTable("BoundIps", t => new
        {
            Id = t.Identity(),
            ResellerId = t.Column<long>(),
            Value = t.Column<string>(maxLength: 64),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_BoundIps", x => x.Id);
            t.ForeignKey("FK_BoundIps_Resellers_ResellerId", x => x.ResellerId, "Resellers", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_BoundIps_ResellerId_Value", "BoundIps", ["ResellerId", "Value"], unique: true);

        m.CreateTable("Wallets", t => new
        {
            Id = t.Identity(),
            ResellerId = t.Column<long>(),
            Mode = t.Column<string>(maxLength: 8),
            BalancePaise = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_Wallets", x => x.Id);
            t.ForeignKey("FK_Wallets_Resellers_ResellerId", x => x.ResellerId, "Resellers", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_Wallets_ResellerId_Mode", "Wallets", ["ResellerId", "Mode"], unique: true);

        m.CreateTable("Orders", t => new
        {
            Id = t.Identity(),
            ResellerId = t.Column<long>(),
            Mode = t.Column<string>(maxLength: 8),
            OrderRef = t.Column<string>(maxLength: 64),
            Service = t.Column<string>(maxLength: 32),
            Status = t.Column<string>(maxLength: 16),
            FeePaise = t.Column<long>(),
            ChargeEntryId = t.Column<long>(nullable: true),
            Refunded = t.Column<bool>(),
            ProviderCallStartedAt = t.Column<DateTime>(nullable: true),
            ProviderRef = t.Column<string>(maxLength: 128, nullable: true),
            RequestJson = t.Column<string>(nullable: true),
            ResultJson = t.Column<string>(nullable: true),
            FailureReason = t.Column<string>(maxLength: 512, nullable: true),
            CreatedAt = t.Column<DateTime>(),
            UpdatedAt = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_Orders", x => x.Id);
            t.ForeignKey("FK_Orders_Resellers_ResellerId", x => x.ResellerId, "Resellers", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_Orders_ResellerId_Mode_OrderRef", "Orders", ["ResellerId", "Mode", "OrderRef"], unique: true);
        m.CreateIndex("IX_Orders_Status_ProviderCallStartedAt", "Orders", ["Status", "ProviderCallStartedAt"]);

        m.CreateTable("LedgerEntries", t => new
        {
            Id = t.Identity(),
            WalletId = t.Column<long>(),
            Kind = t.Column<string>(maxLength: 16),
            AmountPaise = t.Column<long>(),
            BalanceAfterPaise = t.Column<long>(),
            OrderId = t.Column<long>(nullable: true),
            ReversesEntryId = t.Column<long>(nullable: true),
            Reason = t.Column<string>(maxLength: 256, nullable: true),
            CreatedAt = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_LedgerEntries", x => x.Id);
            t.ForeignKey("FK_LedgerEntries_Wallets_WalletId", x => x.WalletId, "Wallets", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_LedgerEntries_WalletId", "LedgerEntries", "WalletId");
        m.CreateIndex("IX_LedgerEntries_OrderId", "LedgerEntries", "OrderId");
        m.CreateIndex("IX_LedgerEntries_ReversesEntryId", "LedgerEntries", "ReversesEntryId", unique: true);

        m.CreateTable("AuditLog", t => new
        {
            Id = t.Identity(),
            Actor = t.Column<string>(maxLength: 64),
            Action = t.Column<string>(maxLength: 64),
            Target = t.Column<string>(maxLength: 128, nullable: true),
            Detail = t.Column<string>(nullable: true),
            CreatedAt = t.Column<DateTime>(),
        }, constraints: t => t.PrimaryKey("PK_AuditLog", x => x.Id));
        m.CreateIndex("IX_AuditLog_CreatedAt", "AuditLog", "CreatedAt");

        m.CreateTable("Operators", t => new
        {
            Id = t.Identity(),
            Username = t.Column<string>(maxLength: 64),
            PasswordHash = t.Column<string>(),
            CreatedAt = t.Column<DateTime>(),
        }, constraints: t => t.PrimaryKey("PK_Operators", x => x.Id));
        m.CreateIndex("IX_Operators_Username", "Operators", "Username", unique: true);

        m.CreateTable("Counters", t => new
        {
            Name = t.Column<string>(maxLength: 64),
            Value = t.Column<long>(),
        }, constraints: t => t.PrimaryKey("PK_Counters", x => x.Name));

        m.CreateTable("PanApplications", t => new
        {
            OrderId = t.Column<long>(),
            ResellerId = t.Column<long>(),
            Mode = t.Column<string>(maxLength: 8),
            Mobile = t.Column<string>(maxLength: 10),
            PanMode = t.Column<string>(maxLength: 8),
            PanType = t.Column<string>(maxLength: 16),
            ReturnUrl = t.Column<string>(maxLength: 1024),
            Status = t.Column<string>(maxLength: 16),
            AcknowledgementNumber = t.Column<string>(maxLength: 15, nullable: true),
            PortalTxnId = t.Column<string>(maxLength: 64),
            FailureReason = t.Column<string>(maxLength: 512, nullable: true),
            LastPolledAt = t.Column<DateTime>(nullable: true),
            CreatedAt = t.Column<DateTime>(),
            UpdatedAt = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_PanApplications", x => x.OrderId);
            t.ForeignKey("FK_PanApplications_Orders_OrderId", x => x.OrderId, "Orders", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_PanApplications_PortalTxnId", "PanApplications", "PortalTxnId", unique: true);
        m.CreateIndex("IX_PanApplications_Status_Mode", "PanApplications", ["Status", "Mode"]);

        m.CreateTable("BankAgents", t => new
        {
            Id = t.Identity(),
            ResellerId = t.Column<long>(),
            Mode = t.Column<string>(maxLength: 8),
            AgentCode = t.Column<string>(maxLength: 32),
            OrderId = t.Column<long>(),
            Pan = t.Column<string>(maxLength: 10),
            Name = t.Column<string>(maxLength: 128),
            ShopName = t.Column<string>(maxLength: 128),
            Email = t.Column<string>(maxLength: 256),
            Mobile = t.Column<string>(maxLength: 10),
            DateOfBirth = t.Column<DateOnly>(),
            Address = t.Column<string>(maxLength: 512),
            State = t.Column<string>(maxLength: 64),
            City = t.Column<string>(maxLength: 64),
            Pincode = t.Column<string>(maxLength: 6),
            Status = t.Column<string>(maxLength: 16),
            UpstreamAgentId = t.Column<string>(maxLength: 64, nullable: true),
            CreatedAt = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_BankAgents", x => x.Id);
            t.ForeignKey("FK_BankAgents_Orders_OrderId", x => x.OrderId, "Orders", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_BankAgents_Mode_AgentCode", "BankAgents", ["Mode", "AgentCode"], unique: true);
        m.CreateIndex("IX_BankAgents_ResellerId_Mode_Pan", "BankAgents", ["ResellerId", "Mode", "Pan"], unique: true);
        m.CreateIndex("IX_BankAgents_OrderId", "BankAgents", "OrderId");

        m.CreateTable("BankAccounts", t => new
        {
            Id = t.Identity(),
            ResellerId = t.Column<long>(),
            Mode = t.Column<string>(maxLength: 8),
            OrderId = t.Column<long>(),
            AgentId = t.Column<long>(),
            AccountType = t.Column<string>(maxLength: 16),
            FirstName = t.Column<string>(maxLength: 64),
            MiddleName = t.Column<string>(maxLength: 64, nullable: true),
            LastName = t.Column<string>(maxLength: 64),
            Email = t.Column<string>(maxLength: 256),
            Phone = t.Column<string>(maxLength: 10),
            CustomerPan = t.Column<string>(maxLength: 10),
            Pincode = t.Column<string>(maxLength: 6),
            AccountNumber = t.Column<string>(maxLength: 20, nullable: true),
            Ifsc = t.Column<string>(maxLength: 11, nullable: true),
            Branch = t.Column<string>(maxLength: 64, nullable: true),
            Status = t.Column<string>(maxLength: 16),
            KycStatus = t.Column<string>(maxLength: 16),
            BalancePaise = t.Column<long>(),
            UpstreamRef = t.Column<string>(maxLength: 64, nullable: true),
            CreatedAt = t.Column<DateTime>(),
            UpdatedAt = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_BankAccounts", x => x.Id);
            t.ForeignKey("FK_BankAccounts_Orders_OrderId", x => x.OrderId, "Orders", "Id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("FK_BankAccounts_BankAgents_AgentId", x => x.AgentId, "BankAgents", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_BankAccounts_ResellerId_Mode_CustomerPan", "BankAccounts", ["ResellerId", "Mode", "CustomerPan"]);
        m.CreateIndex("IX_BankAccounts_OrderId", "BankAccounts", "OrderId", unique: true);
        m.CreateIndex("IX_BankAccounts_AgentId", "BankAccounts", "AgentId");

        m.CreateTable("Outbox", t => new
        {
            Id = t.Identity(),
            MessageId = t.Column<string>(maxLength: 40),
            ResellerId = t.Column<long>(),
            OrderId = t.Column<long>(nullable: true),
            EventType = t.Column<string>(maxLength: 64),
            TargetUrl = t.Column<string>(maxLength: 1024),
            Payload = t.Column<string>(),
            Status = t.Column<string>(maxLength: 16),
            Attempts = t.Column<int>(),
            NextAttemptAt = t.Column<DateTime>(),
            ClaimedBy = t.Column<string>(maxLength: 64, nullable: true),
            ClaimedUntil = t.Column<DateTime>(nullable: true),
            CreatedAt = t.Column<DateTime>(),
            DeliveredAt = t.Column<DateTime>(nullable: true),
        }, constraints: t => t.PrimaryKey("PK_Outbox", x => x.Id));
        m.CreateIndex("IX_Outbox_MessageId", "Outbox", "MessageId", unique: true);
        m.CreateIndex("IX_Outbox_Status_NextAttemptAt", "Outbox", ["Status", "NextAttemptAt"]);
        m.CreateIndex("IX_Outbox_ResellerId", "Outbox", "ResellerId");

        m.CreateTable("WebhookAttempts", t => new
        {
            Id = t.Identity(),
            OutboxMessageId = t.Column<long>(),
            AttemptedAt = t.Column<DateTime>(),
            ResponseStatus = t.Column<int>(nullable: true),
            Error = t.Column<string>(maxLength: 512, nullable: true),
            DurationMs = t.Column<int>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_WebhookAttempts", x => x.Id);
            t.ForeignKey("FK_WebhookAttempts_Outbox_OutboxMessageId", x => x.OutboxMessageId, "Outbox", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_WebhookAttempts_OutboxMessageId", "WebhookAttempts", "OutboxMessageId");
    }

    protected override void Down(MigrationBuilder m)
    {
        foreach (var table in new[] { "WebhookAttempts", "Outbox", "BankAccounts", "BankAgents", "PanApplications", "Counters",
                     "Operators", "AuditLog", "LedgerEntries", "Orders", "Wallets", "BoundIps", "ApiKeys", "Resellers", "PlanFees", "Plans" })
            m.DropTable(table);
    }
}

internal static class ColumnsBuilderExtensions
{
    /// <summary>An auto-incrementing 64-bit key on either provider.</summary>
    public static OperationBuilder<AddColumnOperation> Identity(this ColumnsBuilder t) =>
        t.Column<long>(nullable: false)
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
}
