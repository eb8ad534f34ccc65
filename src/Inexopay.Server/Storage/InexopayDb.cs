using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Inexopay.Server.Storage;

/// <summary>
/// The one database of Inexopay. The model is provider-neutral: money is integer paise, enums are strings,
/// times are UTC <see cref="DateTime"/>, so SQLite and PostgreSQL behave the same.
/// </summary>
public sealed class InexopayDb(DbContextOptions<InexopayDb> options) : DbContext(options)
{
    public DbSet<Reseller> Resellers => Set<Reseller>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<BoundIp> BoundIps => Set<BoundIp>();
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<PlanFee> PlanFees => Set<PlanFee>();
    public DbSet<Wallet> Wallets => Set<Wallet>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<Operator> Operators => Set<Operator>();
    public DbSet<Counter> Counters => Set<Counter>();
    public DbSet<PanApplication> PanApplications => Set<PanApplication>();
    public DbSet<BankAgent> BankAgents => Set<BankAgent>();
    public DbSet<BankAccount> BankAccounts => Set<BankAccount>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configuration.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configuration.Properties<ApiMode>().HaveConversion<string>().HaveMaxLength(8);
        configuration.Properties<ResellerStatus>().HaveConversion<string>().HaveMaxLength(16);
        configuration.Properties<LedgerKind>().HaveConversion<string>().HaveMaxLength(16);
        configuration.Properties<OrderStatus>().HaveConversion<string>().HaveMaxLength(16);
        configuration.Properties<PanApplicationStatus>().HaveConversion<string>().HaveMaxLength(16);
        configuration.Properties<OutboxStatus>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Reseller>(e =>
        {
            e.ToTable("Resellers");
            e.HasIndex(x => x.Username).IsUnique();
            e.Property(x => x.Username).HasMaxLength(64);
            e.Property(x => x.OwnerName).HasMaxLength(128);
            e.Property(x => x.Email).HasMaxLength(256);
            e.Property(x => x.WebhookSecret).HasMaxLength(128);
            e.HasOne(x => x.Plan).WithMany().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.ApiKeys).WithOne(x => x.Reseller).HasForeignKey(x => x.ResellerId);
            e.HasMany(x => x.BoundIps).WithOne().HasForeignKey(x => x.ResellerId);
        });
        b.Entity<ApiKey>(e =>
        {
            e.ToTable("ApiKeys");
            e.HasIndex(x => x.KeyHash).IsUnique();
            e.Property(x => x.KeyHash).HasMaxLength(64);
            e.Property(x => x.DisplayPrefix).HasMaxLength(32);
        });
        b.Entity<BoundIp>(e =>
        {
            e.ToTable("BoundIps");
            e.Property(x => x.Value).HasMaxLength(64);
            e.HasIndex(x => new { x.ResellerId, x.Value }).IsUnique();
        });
        b.Entity<Plan>(e =>
        {
            e.ToTable("Plans");
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Name).HasMaxLength(64);
            e.HasMany(x => x.Fees).WithOne().HasForeignKey(x => x.PlanId);
        });
        b.Entity<PlanFee>(e =>
        {
            e.ToTable("PlanFees");
            e.Property(x => x.Service).HasMaxLength(32);
            e.HasIndex(x => new { x.PlanId, x.Service }).IsUnique();
        });
        b.Entity<Wallet>(e =>
        {
            e.ToTable("Wallets");
            e.HasIndex(x => new { x.ResellerId, x.Mode }).IsUnique();
            e.HasOne<Reseller>().WithMany().HasForeignKey(x => x.ResellerId);
        });
        b.Entity<LedgerEntry>(e =>
        {
            e.ToTable("LedgerEntries");
            e.HasIndex(x => x.WalletId);
            e.HasIndex(x => x.OrderId);
            e.HasIndex(x => x.ReversesEntryId).IsUnique();
            e.Property(x => x.Reason).HasMaxLength(256);
            e.HasOne<Wallet>().WithMany().HasForeignKey(x => x.WalletId);
        });
        b.Entity<Order>(e =>
        {
            e.ToTable("Orders");
            e.HasIndex(x => new { x.ResellerId, x.Mode, x.OrderRef }).IsUnique();
            e.HasIndex(x => new { x.Status, x.ProviderCallStartedAt });
            e.Property(x => x.OrderRef).HasMaxLength(64);
            e.Property(x => x.Service).HasMaxLength(32);
            e.Property(x => x.ProviderRef).HasMaxLength(128);
            e.Property(x => x.FailureReason).HasMaxLength(512);
            e.HasOne<Reseller>().WithMany().HasForeignKey(x => x.ResellerId);
        });
        b.Entity<AuditEntry>(e =>
        {
            e.ToTable("AuditLog");
            e.Property(x => x.Actor).HasMaxLength(64);
            e.Property(x => x.Action).HasMaxLength(64);
            e.Property(x => x.Target).HasMaxLength(128);
            e.HasIndex(x => x.CreatedAt);
        });
        b.Entity<Operator>(e =>
        {
            e.ToTable("Operators");
            e.HasIndex(x => x.Username).IsUnique();
            e.Property(x => x.Username).HasMaxLength(64);
        });
        b.Entity<Counter>(e =>
        {
            e.ToTable("Counters");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(64);
        });
        b.Entity<PanApplication>(e =>
        {
            e.ToTable("PanApplications");
            e.HasKey(x => x.OrderId);
            e.HasOne<Order>().WithOne().HasForeignKey<PanApplication>(x => x.OrderId);
            e.Property(x => x.Mobile).HasMaxLength(10);
            e.Property(x => x.PanMode).HasMaxLength(8);
            e.Property(x => x.PanType).HasMaxLength(16);
            e.Property(x => x.ReturnUrl).HasMaxLength(1024);
            e.Property(x => x.AcknowledgementNumber).HasMaxLength(15);
            e.Property(x => x.PortalTxnId).HasMaxLength(64);
            e.Property(x => x.FailureReason).HasMaxLength(512);
            e.HasIndex(x => x.PortalTxnId).IsUnique();
            e.HasIndex(x => new { x.Status, x.Mode });
        });
        b.Entity<BankAgent>(e =>
        {
            e.ToTable("BankAgents");
            e.HasIndex(x => new { x.Mode, x.AgentCode }).IsUnique();
            e.HasIndex(x => new { x.ResellerId, x.Mode, x.Pan }).IsUnique();
            e.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId);
            e.Property(x => x.AgentCode).HasMaxLength(32);
            e.Property(x => x.Pan).HasMaxLength(10);
            e.Property(x => x.Name).HasMaxLength(128);
            e.Property(x => x.ShopName).HasMaxLength(128);
            e.Property(x => x.Email).HasMaxLength(256);
            e.Property(x => x.Mobile).HasMaxLength(10);
            e.Property(x => x.Address).HasMaxLength(512);
            e.Property(x => x.State).HasMaxLength(64);
            e.Property(x => x.City).HasMaxLength(64);
            e.Property(x => x.Pincode).HasMaxLength(6);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.UpstreamAgentId).HasMaxLength(64);
        });
        b.Entity<BankAccount>(e =>
        {
            e.ToTable("BankAccounts");
            e.HasIndex(x => new { x.ResellerId, x.Mode, x.CustomerPan });
            e.HasIndex(x => x.OrderId).IsUnique();
            e.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId);
            e.HasOne<BankAgent>().WithMany().HasForeignKey(x => x.AgentId);
            e.Property(x => x.AccountType).HasMaxLength(16);
            e.Property(x => x.FirstName).HasMaxLength(64);
            e.Property(x => x.MiddleName).HasMaxLength(64);
            e.Property(x => x.LastName).HasMaxLength(64);
            e.Property(x => x.Email).HasMaxLength(256);
            e.Property(x => x.Phone).HasMaxLength(10);
            e.Property(x => x.CustomerPan).HasMaxLength(10);
            e.Property(x => x.Pincode).HasMaxLength(6);
            e.Property(x => x.AccountNumber).HasMaxLength(20);
            e.Property(x => x.Ifsc).HasMaxLength(11);
            e.Property(x => x.Branch).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.KycStatus).HasMaxLength(16);
            e.Property(x => x.UpstreamRef).HasMaxLength(64);
        });
        b.Entity<OutboxMessage>(e =>
        {
            e.ToTable("Outbox");
            e.HasIndex(x => x.MessageId).IsUnique();
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.HasIndex(x => x.ResellerId);
            e.Property(x => x.MessageId).HasMaxLength(40);
            e.Property(x => x.EventType).HasMaxLength(64);
            e.Property(x => x.TargetUrl).HasMaxLength(1024);
            e.Property(x => x.ClaimedBy).HasMaxLength(64);
        });
        b.Entity<WebhookAttempt>(e =>
        {
            e.ToTable("WebhookAttempts");
            e.HasIndex(x => x.OutboxMessageId);
            e.HasOne<OutboxMessage>().WithMany().HasForeignKey(x => x.OutboxMessageId);
            e.Property(x => x.Error).HasMaxLength(512);
        });
    }

    /// <summary>Writes UTC and reads back as UTC: SQLite forgets the kind, PostgreSQL's timestamptz insists on it.</summary>
    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
