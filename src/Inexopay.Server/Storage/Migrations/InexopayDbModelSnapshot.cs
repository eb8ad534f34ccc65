using System;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Inexopay.Server.Storage.Migrations;

/// <summary>
/// The model as of the last migration (20261122000100_Foundation), frozen. EF compares it with the live model to
/// find pending model changes (Migrate() refuses to run when they differ), so it is written out explicitly the way
/// `dotnet ef migrations add` would write it and must NOT be derived from <see cref="InexopayDb"/>.
/// Written by hand because the design-time tools are not available here. Provider-neutral like the migrations:
/// no store types (each provider maps the CLR types; converted properties appear with their provider CLR type,
/// e.g. enums as string, so that is what the differ sees on both sides), and identity keys carry both providers'
/// value-generation settings. When a migration changes the schema, change this file in the same commit;
/// tests/Inexopay.Tests/Storage proves they agree on SQLite and PostgreSQL.
/// </summary>
[DbContext(typeof(InexopayDb))]
public sealed class InexopayDbModelSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder)
    {
        modelBuilder.HasAnnotation("ProductVersion", "10.0.14");

        modelBuilder.Entity("Inexopay.Server.Storage.ApiKey", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<DateTime>("CreatedAt");
            b.Property<string>("DisplayPrefix").IsRequired().HasMaxLength(32);
            b.Property<DateTime?>("ExpiresAt");
            b.Property<string>("KeyHash").IsRequired().HasMaxLength(64);
            b.Property<string>("Mode").IsRequired().HasMaxLength(8);
            b.Property<long>("ResellerId");

            b.HasKey("Id").HasName("PK_ApiKeys");
            b.HasIndex("KeyHash").IsUnique().HasDatabaseName("IX_ApiKeys_KeyHash");
            b.HasIndex("ResellerId").HasDatabaseName("IX_ApiKeys_ResellerId");
            b.ToTable("ApiKeys");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.AuditEntry", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<string>("Action").IsRequired().HasMaxLength(64);
            b.Property<string>("Actor").IsRequired().HasMaxLength(64);
            b.Property<DateTime>("CreatedAt");
            b.Property<string>("Detail");
            b.Property<string>("Target").HasMaxLength(128);

            b.HasKey("Id").HasName("PK_AuditLog");
            b.HasIndex("CreatedAt").HasDatabaseName("IX_AuditLog_CreatedAt");
            b.ToTable("AuditLog");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.BankAccount", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<string>("AccountNumber").HasMaxLength(20);
            b.Property<string>("AccountType").IsRequired().HasMaxLength(16);
            b.Property<long>("AgentId");
            b.Property<long>("BalancePaise");
            b.Property<string>("Branch").HasMaxLength(64);
            b.Property<DateTime>("CreatedAt");
            b.Property<string>("CustomerPan").IsRequired().HasMaxLength(10);
            b.Property<string>("Email").IsRequired().HasMaxLength(256);
            b.Property<string>("FirstName").IsRequired().HasMaxLength(64);
            b.Property<string>("Ifsc").HasMaxLength(11);
            b.Property<string>("KycStatus").IsRequired().HasMaxLength(16);
            b.Property<string>("LastName").IsRequired().HasMaxLength(64);
            b.Property<string>("MiddleName").HasMaxLength(64);
            b.Property<string>("Mode").IsRequired().HasMaxLength(8);
            b.Property<long>("OrderId");
            b.Property<string>("Phone").IsRequired().HasMaxLength(10);
            b.Property<string>("Pincode").IsRequired().HasMaxLength(6);
            b.Property<long>("ResellerId");
            b.Property<string>("Status").IsRequired().HasMaxLength(16);
            b.Property<DateTime>("UpdatedAt");
            b.Property<string>("UpstreamRef").HasMaxLength(64);

            b.HasKey("Id").HasName("PK_BankAccounts");
            b.HasIndex("AgentId").HasDatabaseName("IX_BankAccounts_AgentId");
            b.HasIndex("OrderId").IsUnique().HasDatabaseName("IX_BankAccounts_OrderId");
            b.HasIndex("ResellerId", "Mode", "CustomerPan").HasDatabaseName("IX_BankAccounts_ResellerId_Mode_CustomerPan");
            b.ToTable("BankAccounts");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.BankAgent", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<string>("Address").IsRequired().HasMaxLength(512);
            b.Property<string>("AgentCode").IsRequired().HasMaxLength(32);
            b.Property<string>("City").IsRequired().HasMaxLength(64);
            b.Property<DateTime>("CreatedAt");
            b.Property<DateOnly>("DateOfBirth");
            b.Property<string>("Email").IsRequired().HasMaxLength(256);
            b.Property<string>("Mobile").IsRequired().HasMaxLength(10);
            b.Property<string>("Mode").IsRequired().HasMaxLength(8);
            b.Property<string>("Name").IsRequired().HasMaxLength(128);
            b.Property<long>("OrderId");
            b.Property<string>("Pan").IsRequired().HasMaxLength(10);
            b.Property<string>("Pincode").IsRequired().HasMaxLength(6);
            b.Property<long>("ResellerId");
            b.Property<string>("ShopName").IsRequired().HasMaxLength(128);
            b.Property<string>("State").IsRequired().HasMaxLength(64);
            b.Property<string>("Status").IsRequired().HasMaxLength(16);
            b.Property<string>("UpstreamAgentId").HasMaxLength(64);

            b.HasKey("Id").HasName("PK_BankAgents");
            b.HasIndex("OrderId").HasDatabaseName("IX_BankAgents_OrderId");
            b.HasIndex("Mode", "AgentCode").IsUnique().HasDatabaseName("IX_BankAgents_Mode_AgentCode");
            b.HasIndex("ResellerId", "Mode", "Pan").IsUnique().HasDatabaseName("IX_BankAgents_ResellerId_Mode_Pan");
            b.ToTable("BankAgents");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.BoundIp", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<long>("ResellerId");
            b.Property<string>("Value").IsRequired().HasMaxLength(64);

            b.HasKey("Id").HasName("PK_BoundIps");
            b.HasIndex("ResellerId", "Value").IsUnique().HasDatabaseName("IX_BoundIps_ResellerId_Value");
            b.ToTable("BoundIps");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.Counter", b =>
        {
            b.Property<string>("Name").HasMaxLength(64);
            b.Property<long>("Value");

            b.HasKey("Name").HasName("PK_Counters");
            b.ToTable("Counters");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.LedgerEntry", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<long>("AmountPaise");
            b.Property<long>("BalanceAfterPaise");
            b.Property<DateTime>("CreatedAt");
            b.Property<string>("Kind").IsRequired().HasMaxLength(16);
            b.Property<long?>("OrderId");
            b.Property<string>("Reason").HasMaxLength(256);
            b.Property<long?>("ReversesEntryId");
            b.Property<long>("WalletId");

            b.HasKey("Id").HasName("PK_LedgerEntries");
            b.HasIndex("OrderId").HasDatabaseName("IX_LedgerEntries_OrderId");
            b.HasIndex("ReversesEntryId").IsUnique().HasDatabaseName("IX_LedgerEntries_ReversesEntryId");
            b.HasIndex("WalletId").HasDatabaseName("IX_LedgerEntries_WalletId");
            b.ToTable("LedgerEntries");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.Operator", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<DateTime>("CreatedAt");
            b.Property<string>("PasswordHash").IsRequired();
            b.Property<string>("Username").IsRequired().HasMaxLength(64);

            b.HasKey("Id").HasName("PK_Operators");
            b.HasIndex("Username").IsUnique().HasDatabaseName("IX_Operators_Username");
            b.ToTable("Operators");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.Order", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<long?>("ChargeEntryId");
            b.Property<DateTime>("CreatedAt");
            b.Property<string>("FailureReason").HasMaxLength(512);
            b.Property<long>("FeePaise");
            b.Property<string>("Mode").IsRequired().HasMaxLength(8);
            b.Property<string>("OrderRef").IsRequired().HasMaxLength(64);
            b.Property<DateTime?>("ProviderCallStartedAt");
            b.Property<string>("ProviderRef").HasMaxLength(128);
            b.Property<bool>("Refunded");
            b.Property<string>("RequestJson");
            b.Property<long>("ResellerId");
            b.Property<string>("ResultJson");
            b.Property<string>("Service").IsRequired().HasMaxLength(32);
            b.Property<string>("Status").IsRequired().HasMaxLength(16);
            b.Property<DateTime>("UpdatedAt");

            b.HasKey("Id").HasName("PK_Orders");
            b.HasIndex("ResellerId", "Mode", "OrderRef").IsUnique().HasDatabaseName("IX_Orders_ResellerId_Mode_OrderRef");
            b.HasIndex("Status", "ProviderCallStartedAt").HasDatabaseName("IX_Orders_Status_ProviderCallStartedAt");
            b.ToTable("Orders");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.OutboxMessage", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<int>("Attempts");
            b.Property<string>("ClaimedBy").HasMaxLength(64);
            b.Property<DateTime?>("ClaimedUntil");
            b.Property<DateTime>("CreatedAt");
            b.Property<DateTime?>("DeliveredAt");
            b.Property<string>("EventType").IsRequired().HasMaxLength(64);
            b.Property<string>("MessageId").IsRequired().HasMaxLength(40);
            b.Property<DateTime>("NextAttemptAt");
            b.Property<long?>("OrderId");
            b.Property<string>("Payload").IsRequired();
            b.Property<long>("ResellerId");
            b.Property<string>("Status").IsRequired().HasMaxLength(16);
            b.Property<string>("TargetUrl").IsRequired().HasMaxLength(1024);

            b.HasKey("Id").HasName("PK_Outbox");
            b.HasIndex("MessageId").IsUnique().HasDatabaseName("IX_Outbox_MessageId");
            b.HasIndex("ResellerId").HasDatabaseName("IX_Outbox_ResellerId");
            b.HasIndex("Status", "NextAttemptAt").HasDatabaseName("IX_Outbox_Status_NextAttemptAt");
            b.ToTable("Outbox");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.PanApplication", b =>
        {
            b.Property<long>("OrderId");
            b.Property<string>("AcknowledgementNumber").HasMaxLength(15);
            b.Property<DateTime>("CreatedAt");
            b.Property<string>("FailureReason").HasMaxLength(512);
            b.Property<DateTime?>("LastPolledAt");
            b.Property<string>("Mobile").IsRequired().HasMaxLength(10);
            b.Property<string>("Mode").IsRequired().HasMaxLength(8);
            b.Property<string>("PanMode").IsRequired().HasMaxLength(8);
            b.Property<string>("PanType").IsRequired().HasMaxLength(16);
            b.Property<string>("PortalTxnId").IsRequired().HasMaxLength(64);
            b.Property<long>("ResellerId");
            b.Property<string>("ReturnUrl").IsRequired().HasMaxLength(1024);
            b.Property<string>("Status").IsRequired().HasMaxLength(16);
            b.Property<DateTime>("UpdatedAt");

            b.HasKey("OrderId").HasName("PK_PanApplications");
            b.HasIndex("PortalTxnId").IsUnique().HasDatabaseName("IX_PanApplications_PortalTxnId");
            b.HasIndex("Status", "Mode").HasDatabaseName("IX_PanApplications_Status_Mode");
            b.ToTable("PanApplications");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.Plan", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<int>("MaxBoundIps");
            b.Property<string>("Name").IsRequired().HasMaxLength(64);
            b.Property<long>("PricePaise");
            b.Property<int>("RateLimitPerMinute");
            b.Property<int>("ValidityDays");

            b.HasKey("Id").HasName("PK_Plans");
            b.HasIndex("Name").IsUnique().HasDatabaseName("IX_Plans_Name");
            b.ToTable("Plans");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.PlanFee", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<long>("CommissionPaise");
            b.Property<long>("FeePaise");
            b.Property<long>("PlanId");
            b.Property<string>("Service").IsRequired().HasMaxLength(32);

            b.HasKey("Id").HasName("PK_PlanFees");
            b.HasIndex("PlanId", "Service").IsUnique().HasDatabaseName("IX_PlanFees_PlanId_Service");
            b.ToTable("PlanFees");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.Reseller", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<DateTime>("CreatedAt");
            b.Property<string>("Email").IsRequired().HasMaxLength(256);
            b.Property<string>("OwnerName").IsRequired().HasMaxLength(128);
            b.Property<string>("PasswordHash");
            b.Property<DateTime?>("PlanExpiresAt");
            b.Property<long?>("PlanId");
            b.Property<string>("Status").IsRequired().HasMaxLength(16);
            b.Property<string>("Username").IsRequired().HasMaxLength(64);
            b.Property<string>("WebhookSecret").IsRequired().HasMaxLength(128);

            b.HasKey("Id").HasName("PK_Resellers");
            b.HasIndex("PlanId").HasDatabaseName("IX_Resellers_PlanId");
            b.HasIndex("Username").IsUnique().HasDatabaseName("IX_Resellers_Username");
            b.ToTable("Resellers");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.Wallet", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<long>("BalancePaise");
            b.Property<string>("Mode").IsRequired().HasMaxLength(8);
            b.Property<long>("ResellerId");

            b.HasKey("Id").HasName("PK_Wallets");
            b.HasIndex("ResellerId", "Mode").IsUnique().HasDatabaseName("IX_Wallets_ResellerId_Mode");
            b.ToTable("Wallets");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.WebhookAttempt", b =>
        {
            Identity(b.Property<long>("Id"));
            b.Property<DateTime>("AttemptedAt");
            b.Property<int>("DurationMs");
            b.Property<string>("Error").HasMaxLength(512);
            b.Property<long>("OutboxMessageId");
            b.Property<int?>("ResponseStatus");

            b.HasKey("Id").HasName("PK_WebhookAttempts");
            b.HasIndex("OutboxMessageId").HasDatabaseName("IX_WebhookAttempts_OutboxMessageId");
            b.ToTable("WebhookAttempts");
        });

        // Relationships, after every entity exists (as EF writes them).
        modelBuilder.Entity("Inexopay.Server.Storage.ApiKey", b =>
        {
            b.HasOne("Inexopay.Server.Storage.Reseller", "Reseller")
                .WithMany("ApiKeys")
                .HasForeignKey("ResellerId")
                .HasConstraintName("FK_ApiKeys_Resellers_ResellerId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
            b.Navigation("Reseller");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.BankAccount", b =>
        {
            b.HasOne("Inexopay.Server.Storage.BankAgent", null)
                .WithMany()
                .HasForeignKey("AgentId")
                .HasConstraintName("FK_BankAccounts_BankAgents_AgentId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
            b.HasOne("Inexopay.Server.Storage.Order", null)
                .WithMany()
                .HasForeignKey("OrderId")
                .HasConstraintName("FK_BankAccounts_Orders_OrderId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
        });

        modelBuilder.Entity("Inexopay.Server.Storage.BankAgent", b =>
        {
            b.HasOne("Inexopay.Server.Storage.Order", null)
                .WithMany()
                .HasForeignKey("OrderId")
                .HasConstraintName("FK_BankAgents_Orders_OrderId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
        });

        modelBuilder.Entity("Inexopay.Server.Storage.BoundIp", b =>
        {
            b.HasOne("Inexopay.Server.Storage.Reseller", null)
                .WithMany("BoundIps")
                .HasForeignKey("ResellerId")
                .HasConstraintName("FK_BoundIps_Resellers_ResellerId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
        });

        modelBuilder.Entity("Inexopay.Server.Storage.LedgerEntry", b =>
        {
            b.HasOne("Inexopay.Server.Storage.Wallet", null)
                .WithMany()
                .HasForeignKey("WalletId")
                .HasConstraintName("FK_LedgerEntries_Wallets_WalletId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
        });

        modelBuilder.Entity("Inexopay.Server.Storage.Order", b =>
        {
            b.HasOne("Inexopay.Server.Storage.Reseller", null)
                .WithMany()
                .HasForeignKey("ResellerId")
                .HasConstraintName("FK_Orders_Resellers_ResellerId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
        });

        modelBuilder.Entity("Inexopay.Server.Storage.PanApplication", b =>
        {
            b.HasOne("Inexopay.Server.Storage.Order", null)
                .WithOne()
                .HasForeignKey("Inexopay.Server.Storage.PanApplication", "OrderId")
                .HasConstraintName("FK_PanApplications_Orders_OrderId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
        });

        modelBuilder.Entity("Inexopay.Server.Storage.PlanFee", b =>
        {
            b.HasOne("Inexopay.Server.Storage.Plan", null)
                .WithMany("Fees")
                .HasForeignKey("PlanId")
                .HasConstraintName("FK_PlanFees_Plans_PlanId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
        });

        modelBuilder.Entity("Inexopay.Server.Storage.Reseller", b =>
        {
            b.HasOne("Inexopay.Server.Storage.Plan", "Plan")
                .WithMany()
                .HasForeignKey("PlanId")
                .HasConstraintName("FK_Resellers_Plans_PlanId")
                .OnDelete(DeleteBehavior.Restrict);
            b.Navigation("Plan");
        });

        modelBuilder.Entity("Inexopay.Server.Storage.Wallet", b =>
        {
            b.HasOne("Inexopay.Server.Storage.Reseller", null)
                .WithMany()
                .HasForeignKey("ResellerId")
                .HasConstraintName("FK_Wallets_Resellers_ResellerId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
        });

        modelBuilder.Entity("Inexopay.Server.Storage.WebhookAttempt", b =>
        {
            b.HasOne("Inexopay.Server.Storage.OutboxMessage", null)
                .WithMany()
                .HasForeignKey("OutboxMessageId")
                .HasConstraintName("FK_WebhookAttempts_Outbox_OutboxMessageId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
        });

        modelBuilder.Entity("Inexopay.Server.Storage.Plan", b => b.Navigation("Fees"));

        modelBuilder.Entity("Inexopay.Server.Storage.Reseller", b =>
        {
            b.Navigation("ApiKeys");
            b.Navigation("BoundIps");
        });
    }

    /// <summary>A store-generated 64-bit key: AUTOINCREMENT on SQLite, GENERATED BY DEFAULT AS IDENTITY on PostgreSQL.</summary>
    private static void Identity(Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<long> property)
    {
        property.ValueGeneratedOnAdd();
        SqlitePropertyBuilderExtensions.UseAutoincrement(property);
        NpgsqlPropertyBuilderExtensions.UseIdentityByDefaultColumn(property);
    }
}
