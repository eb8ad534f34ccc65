using Inexopay.Server.Auth;
using Inexopay.Server.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Storage;

/// <summary>Applies migrations and, on the very first run, creates the seed plans, an operator and a demo reseller.</summary>
public static class Bootstrap
{
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
        await db.Database.MigrateAsync(ct);
    }

    /// <summary>
    /// For /health/ready: the migrated schema answers a query. CanConnect alone would pass on an empty file that
    /// SQLite creates in place of a lost database.
    /// </summary>
    public static async Task<bool> IsReadyAsync(InexopayDb db, CancellationToken ct)
    {
        try
        {
            await db.Wallets.AnyAsync(ct);
            return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Returns the lines to print once, or nothing when the installation already had an operator.</summary>
    public static async Task<IReadOnlyList<string>> FirstRunAsync(IServiceProvider services, TimeProvider clock, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
        await scope.ServiceProvider.GetRequiredService<PlanCatalog>().EnsureSeededAsync(ct);
        if (await db.Operators.AnyAsync(ct)) return [];

        var adminPassword = Passwords.Generate();
        db.Operators.Add(new Operator { Username = "admin", PasswordHash = Passwords.Hash(adminPassword), CreatedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return []; // another node won the first run
        }

        if (await db.Resellers.AnyAsync(r => r.Username == "demo", ct))
            return ["First run: operator 'admin' created with password " + adminPassword + " (shown once)."];
        var demoPassword = Passwords.Generate();
        var demo = await scope.ServiceProvider.GetRequiredService<ResellerAccounts>().CreateAsync(
            "demo", "Demo Reseller", "demo@inexopay.local", demoPassword, "Premium", ["127.0.0.1", "::1"], 1_000_00, "system", ct);
        return
        [
            "First run: these credentials are shown once. Keep them safe.",
            $"  operator       username: admin   password: {adminPassword}",
            $"  demo reseller  username: {demo.Username}   password: {demoPassword}   (plan Premium, live wallet 1000.00, test wallet 10000.00)",
            $"  demo live API key (bound to 127.0.0.1, ::1): {demo.LiveApiKey}",
            $"  demo test API key: {demo.TestApiKey}",
            $"  demo webhook secret: {demo.WebhookSecret}",
        ];
    }
}
