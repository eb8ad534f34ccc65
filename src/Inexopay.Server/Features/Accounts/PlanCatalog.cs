using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Accounts;

public sealed record PlanView(string Name, long PricePaise, int ValidityDays, int RateLimitPerMinute, int MaxBoundIps,
    IReadOnlyDictionary<string, long> FeesPaise, IReadOnlyDictionary<string, long> CommissionsPaise);

public sealed class PlanCatalog(InexopayDb db, ResellerAccounts accounts)
{
    /// <summary>
    /// The two plans every installation starts with. Fees follow the market: PAN applications at the ₹107 a retail
    /// portal charges, verification at a couple of rupees, BC onboarding and account opening priced per call.
    /// </summary>
    public static readonly PlanView[] Seed =
    [
        new("Basic", 999_00, 365, 60, 1,
            new Dictionary<string, long>
            {
                [Services.PanVerification] = 3_00, [Services.PanNew] = 107_00, [Services.PanCorrection] = 107_00,
                [Services.BankOnboarding] = 50_00, [Services.BankAccountOpen] = 25_00,
            },
            new Dictionary<string, long> { [Services.BankAccountOpen] = 5_00 }),
        new("Premium", 4_999_00, 365, 600, 5,
            new Dictionary<string, long>
            {
                [Services.PanVerification] = 1_50, [Services.PanNew] = 99_00, [Services.PanCorrection] = 99_00,
                [Services.BankOnboarding] = 25_00, [Services.BankAccountOpen] = 15_00,
            },
            new Dictionary<string, long> { [Services.BankAccountOpen] = 10_00 }),
    ];

    public async Task EnsureSeededAsync(CancellationToken ct = default)
    {
        foreach (var plan in Seed)
            if (!await db.Plans.AnyAsync(p => p.Name == plan.Name, ct))
                await CreateAsync(plan, "system", ct);
    }

    public async Task CreateAsync(PlanView plan, string actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(plan.Name) || plan.Name.Length > 64) throw new OperatorError("--name is required (at most 64 characters).");
        if (plan.PricePaise < 0) throw new OperatorError("--price cannot be negative.");
        if (plan.ValidityDays <= 0) throw new OperatorError("--validity-days must be at least 1.");
        if (plan.RateLimitPerMinute < 0) throw new OperatorError("--rate-limit cannot be negative (0 = unlimited).");
        if (plan.MaxBoundIps < 0) throw new OperatorError("--max-ips cannot be negative (0 = unlimited).");
        foreach (var service in plan.FeesPaise.Keys.Concat(plan.CommissionsPaise.Keys))
            if (!Services.All.Contains(service))
                throw new OperatorError($"Unknown service '{service}'. Services: {string.Join(", ", Services.All)}.");
        if (plan.FeesPaise.Values.Any(v => v < 0) || plan.CommissionsPaise.Values.Any(v => v < 0))
            throw new OperatorError("Fees and commissions cannot be negative.");
        if (await db.Plans.AnyAsync(p => p.Name == plan.Name, ct)) throw new OperatorError($"A plan named '{plan.Name}' exists.");

        db.Plans.Add(new Plan
        {
            Name = plan.Name.Trim(),
            PricePaise = plan.PricePaise,
            ValidityDays = plan.ValidityDays,
            RateLimitPerMinute = plan.RateLimitPerMinute,
            MaxBoundIps = plan.MaxBoundIps,
            Fees = plan.FeesPaise.Select(f => new PlanFee
            {
                Service = f.Key,
                FeePaise = f.Value,
                CommissionPaise = plan.CommissionsPaise.GetValueOrDefault(f.Key),
            }).ToList(),
        });
        accounts.Audit(actor, "plans.create", plan.Name, string.Join(' ', plan.FeesPaise.Select(f => $"{f.Key}={f.Value}p")));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    public async Task<List<PlanView>> ListAsync(CancellationToken ct = default) =>
        (await db.Plans.Include(p => p.Fees).OrderBy(p => p.PricePaise).ToListAsync(ct))
        .Select(p => new PlanView(p.Name, p.PricePaise, p.ValidityDays, p.RateLimitPerMinute, p.MaxBoundIps,
            p.Fees.ToDictionary(f => f.Service, f => f.FeePaise), p.Fees.Where(f => f.CommissionPaise > 0).ToDictionary(f => f.Service, f => f.CommissionPaise)))
        .ToList();
}
