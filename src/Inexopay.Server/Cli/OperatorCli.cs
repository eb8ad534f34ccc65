using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Inexopay.Server.Api;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Cli;

/// <summary>
/// The operator CLI. It works on the same database as a running server (it applies pending migrations and the
/// seed plans first, both idempotent). Exit codes: 0 done, 1 refused (the message says why), 2 usage.
/// </summary>
public static class OperatorCli
{
    private static readonly string[] Verbs = ["users", "wallet", "keys", "plans", "db", "help"];

    /// <summary>
    /// Every command and the options it takes. Anything else is refused before the database is touched: a mistyped
    /// optional option (<c>--mdoe test</c>) must not silently fall back to its default (the live wallet).
    /// </summary>
    private static readonly Dictionary<string, string[]> Commands = new()
    {
        ["users create"] = ["username", "name", "email", "password", "plan", "bind-ip", "credit"],
        ["users list"] = [],
        ["users suspend"] = ["username"],
        ["users activate"] = ["username"],
        ["users plan"] = ["username", "plan", "expires"],
        ["users bind-ip"] = ["username", "bind-ip"],
        ["wallet credit"] = ["username", "amount", "mode", "reason"],
        ["wallet debit"] = ["username", "amount", "mode", "reason"],
        ["wallet ledger"] = ["username", "mode", "limit"],
        ["wallet verify"] = [],
        ["keys rotate"] = ["username", "mode", "grace-hours"],
        ["plans list"] = [],
        ["plans create"] = ["name", "price", "validity-days", "rate-limit", "max-ips", "fee", "commission"],
        ["db migrate"] = [],
    };

    /// <summary>A rotated-out key may keep working for at most a year.</summary>
    private const double MaxGraceHours = 24 * 365;

    private const string Usage = """
        Inexopay operator CLI (same executable as the server)
          users create --username U --name N --email E [--password P] [--plan PLAN] [--bind-ip IP|CIDR ...] [--credit RUPEES] [--json]
          users list [--json]
          users suspend --username U          users activate --username U
          users plan --username U --plan P [--expires YYYY-MM-DD]
          users bind-ip --username U --bind-ip IP[,IP...] [--bind-ip ...]
          wallet credit|debit --username U --amount RUPEES [--mode live|test] [--reason TEXT]
          wallet ledger --username U [--mode live|test] [--limit N] [--json]
          wallet verify [--json]               (exit 1 when any balance differs from the sum of its entries)
          keys rotate --username U [--mode live|test] [--grace-hours H]
          plans list [--json]
          plans create --name N --price RUPEES --validity-days D --rate-limit PER_MINUTE [--max-ips N]
                       --fee SERVICE=RUPEES ... [--commission SERVICE=RUPEES ...]
          db migrate
        Services: pan_verification, pan_new, pan_correction, bank_onboarding, bank_account_open.
        Configuration as for the server, e.g. --Database:Provider Postgres --ConnectionStrings:Default "Host=…".
        """;

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        CliArgs cli;
        try
        {
            cli = CliArgs.Parse(args);
            if (cli.Verb == "help" || cli.SetFlags.Contains("help"))
            {
                await stdout.WriteLineAsync(Usage);
                return 0;
            }
            CheckCommand(cli);
        }
        catch (CliUsageError e)
        {
            await stderr.WriteLineAsync("error: " + e.Message);
            await stderr.WriteLineAsync("Run 'help' for usage.");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(cli.Configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddInexopayCore();
        using var host = builder.Build();

        try
        {
            await Bootstrap.MigrateAsync(host.Services);
            await using var scope = host.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PlanCatalog>().EnsureSeededAsync();
            return await DispatchAsync(cli, scope.ServiceProvider, stdout);
        }
        catch (CliUsageError e)
        {
            await stderr.WriteLineAsync("error: " + e.Message);
            await stderr.WriteLineAsync("Run 'help' for usage.");
            return 2;
        }
        catch (OperatorError e)
        {
            await stderr.WriteLineAsync("error: " + e.Message);
            return 1;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            // Unreachable database, bad connection string, a model without its migration: say so, no stack trace.
            await stderr.WriteLineAsync("error: " + e.Message);
            return 1;
        }
    }

    private static void CheckCommand(CliArgs cli)
    {
        var command = $"{cli.Verb} {cli.Sub}";
        if (!Commands.TryGetValue(command, out var allowed)) throw new CliUsageError($"Unknown command '{command.Trim()}'.");
        if (cli.Positional.Count > 2) throw new CliUsageError($"Unexpected argument '{cli.Positional[2]}'.");
        foreach (var option in cli.Options.Keys)
            if (!allowed.Contains(option, StringComparer.OrdinalIgnoreCase))
                throw new CliUsageError($"--{option} is not an option of '{command}'.");
    }

    private static async Task<int> DispatchAsync(CliArgs cli, IServiceProvider sp, TextWriter stdout)
    {
        const string Actor = "cli";
        var accounts = sp.GetRequiredService<ResellerAccounts>();
        var wallets = sp.GetRequiredService<WalletAdmin>();
        var plans = sp.GetRequiredService<PlanCatalog>();

        switch (cli.Verb, cli.Sub)
        {
            case ("users", "create"):
            {
                var credit = cli["credit"] is { } c ? Paise(c, "--credit") : 0;
                var created = await accounts.CreateAsync(cli.Required("username"), cli.Required("name"), cli.Required("email"),
                    cli["password"], cli["plan"], cli.All("bind-ip"), credit, Actor);
                return await Print(stdout, cli, new
                {
                    username = created.Username,
                    owner_name = created.OwnerName,
                    email = created.Email,
                    live_api_key = created.LiveApiKey,
                    test_api_key = created.TestApiKey,
                    webhook_secret = created.WebhookSecret,
                    plan = created.Plan,
                    plan_expires_at = (created.PlanExpiresAt is { } e ? WireTime.Date(e) : null),
                    bind_ip = created.BoundIps,
                    live_balance = Money.Rupees(created.LiveBalancePaise),
                    test_balance = Money.Rupees(created.TestBalancePaise),
                }, $"""
                    Created reseller {created.Username} ({created.OwnerName}). The keys are shown only now:
                      live API key:   {created.LiveApiKey}
                      test API key:   {created.TestApiKey}
                      webhook secret: {created.WebhookSecret}
                      plan: {created.Plan ?? "none"}  bound IPs: {(created.BoundIps.Count == 0 ? "none" : string.Join(", ", created.BoundIps))}
                      live balance: {Money.Rupees(created.LiveBalancePaise)}  test balance: {Money.Rupees(created.TestBalancePaise)}
                    """);
            }
            case ("users", "list"):
            {
                var db = sp.GetRequiredService<InexopayDb>();
                var rows = await db.Resellers.OrderBy(r => r.Username).Select(r => new
                {
                    username = r.Username,
                    owner_name = r.OwnerName,
                    email = r.Email,
                    status = r.Status.ToString().ToLower(),
                    plan = r.Plan == null ? null : r.Plan.Name,
                    plan_expires_at = r.PlanExpiresAt,
                    bind_ip = r.BoundIps.Select(b => b.Value).ToList(),
                    live_balance_paise = db.Wallets.Where(w => w.ResellerId == r.Id && w.Mode == ApiMode.Live).Select(w => w.BalancePaise).FirstOrDefault(),
                    test_balance_paise = db.Wallets.Where(w => w.ResellerId == r.Id && w.Mode == ApiMode.Test).Select(w => w.BalancePaise).FirstOrDefault(),
                }).ToListAsync();
                var view = rows.Select(r => new
                {
                    r.username, r.owner_name, r.email, r.status, r.plan,
                    plan_expires_at = (r.plan_expires_at is { } e ? WireTime.Date(e) : null),
                    r.bind_ip,
                    live_balance = Money.Rupees(r.live_balance_paise),
                    test_balance = Money.Rupees(r.test_balance_paise),
                }).ToList();
                return await Print(stdout, cli, view, string.Join('\n', view.Select(r =>
                    $"{r.username,-20} {r.status,-9} {r.plan ?? "-",-10} expires {r.plan_expires_at ?? "-",-10} live {r.live_balance,12} test {r.test_balance,12}  {r.owner_name} <{r.email}> ips: {string.Join(",", r.bind_ip)}")));
            }
            case ("users", "suspend" or "activate"):
            {
                var status = cli.Sub == "suspend" ? ResellerStatus.Suspended : ResellerStatus.Active;
                await accounts.SetStatusAsync(cli.Required("username"), status, Actor);
                return await Print(stdout, cli, new { username = cli["username"], status = status.ToString().ToLower() },
                    $"{cli["username"]} is now {status.ToString().ToLower()}.");
            }
            case ("users", "plan"):
            {
                DateOnly? expires = cli["expires"] is { } e
                    ? DateOnly.TryParseExact(e, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
                        : throw new CliUsageError("--expires must be YYYY-MM-DD.")
                    : null;
                var (plan, expiresAt) = await accounts.SetPlanAsync(cli.Required("username"), cli.Required("plan"), expires, Actor);
                return await Print(stdout, cli, new { username = cli["username"], plan, plan_expires_at = WireTime.Date(expiresAt) },
                    $"{cli["username"]} is on plan {plan} until {WireTime.Date(expiresAt)}.");
            }
            case ("users", "bind-ip"):
            {
                // Replacing the list with nothing would lock the live key out from everywhere: ask for the addresses.
                if (cli.All("bind-ip").Count == 0) throw new CliUsageError("--bind-ip is required (repeat it or give a comma list).");
                await accounts.SetBoundIpsAsync(cli.Required("username"), cli.All("bind-ip"), Actor);
                return await Print(stdout, cli, new { username = cli["username"], bind_ip = ResellerAccounts.ValidateIps(cli.All("bind-ip")) },
                    $"{cli["username"]} bound to: {string.Join(", ", ResellerAccounts.ValidateIps(cli.All("bind-ip")))}");
            }
            case ("wallet", "credit" or "debit"):
            {
                var amount = Paise(cli.Required("amount"), "--amount");
                if (amount <= 0) throw new CliUsageError("--amount must be more than zero.");
                var mode = Mode(cli);
                var balance = await wallets.AdjustAsync(cli.Required("username"), mode, cli.Sub == "credit" ? amount : -amount, cli["reason"], Actor);
                return await Print(stdout, cli,
                    new { username = cli["username"], mode = AuthMessages.ModeName(mode), amount = Money.Rupees(amount), balance = Money.Rupees(balance) },
                    $"{cli.Sub} of {Money.Rupees(amount)} to the {AuthMessages.ModeName(mode)} wallet of {cli["username"]}; balance {Money.Rupees(balance)}.");
            }
            case ("wallet", "ledger"):
            {
                var limit = int.TryParse(cli["limit"] ?? "100", out var l) && l > 0 ? l : throw new CliUsageError("--limit must be a positive number.");
                var lines = await wallets.LedgerAsync(cli.Required("username"), Mode(cli), limit);
                return await Print(stdout, cli, lines.Select(e => new
                {
                    id = e.Id, kind = e.Kind, amount = e.Amount, balance_after = e.BalanceAfter, order_id = e.OrderId, reason = e.Reason,
                    created_at = e.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss"),
                }), string.Join('\n', lines.Select(e =>
                    $"{e.CreatedAt:yyyy-MM-dd HH:mm:ss} #{e.Id,-8} {e.Kind,-10} {e.Amount,12} → {e.BalanceAfter,12}  {e.OrderId ?? ""} {e.Reason}")));
            }
            case ("wallet", "verify"):
            {
                var checks = await wallets.VerifyAsync();
                var bad = checks.Where(c => !c.Consistent).ToList();
                await Print(stdout, cli, new
                {
                    wallets = checks.Count,
                    consistent = bad.Count == 0,
                    mismatches = bad.Select(c => new { username = c.Username, mode = c.Mode, balance = Money.Rupees(c.BalancePaise), ledger_sum = Money.Rupees(c.LedgerSumPaise), problems = c.Problems }),
                }, bad.Count == 0
                    ? $"OK: {checks.Count} wallets, every balance equals the sum of its ledger entries."
                    : string.Join('\n', bad.Select(c => $"MISMATCH {c.Username} {c.Mode}: balance {Money.Rupees(c.BalancePaise)}, ledger sum {Money.Rupees(c.LedgerSumPaise)}"
                        + (c.Problems.Count == 0 ? "" : "; " + string.Join("; ", c.Problems)))));
                return bad.Count == 0 ? 0 : 1;
            }
            case ("keys", "rotate"):
            {
                var mode = Mode(cli);
                var graceHours = cli["grace-hours"] is { } g
                    ? double.TryParse(g, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var h) && h <= MaxGraceHours ? h
                        : throw new CliUsageError($"--grace-hours must be a number of hours from 0 to {MaxGraceHours}.")
                    : sp.GetRequiredService<IConfiguration>().GetValue("Keys:RotationGraceHours", 24.0);
                var key = await accounts.RotateKeyAsync(cli.Required("username"), mode, TimeSpan.FromHours(graceHours), Actor);
                return await Print(stdout, cli, new { username = cli["username"], mode = AuthMessages.ModeName(mode), api_key = key, old_key_valid_hours = graceHours },
                    $"New {AuthMessages.ModeName(mode)} key for {cli["username"]} (shown once): {key}\nThe previous key keeps working for {graceHours} hours.");
            }
            case ("plans", "list"):
            {
                var list = await plans.ListAsync();
                return await Print(stdout, cli, list.Select(p => new
                {
                    name = p.Name, price = Money.Rupees(p.PricePaise), validity_days = p.ValidityDays, rate_limit_per_minute = p.RateLimitPerMinute,
                    max_bound_ips = p.MaxBoundIps, fees = p.FeesPaise.ToDictionary(f => f.Key, f => Money.Rupees(f.Value)),
                    commissions = p.CommissionsPaise.ToDictionary(f => f.Key, f => Money.Rupees(f.Value)),
                }), string.Join('\n', list.Select(p =>
                    $"{p.Name,-12} ₹{Money.Rupees(p.PricePaise)} / {p.ValidityDays} days, {(p.RateLimitPerMinute == 0 ? "unlimited" : p.RateLimitPerMinute + "/min")}, " +
                    $"{(p.MaxBoundIps == 0 ? "any number of" : p.MaxBoundIps.ToString())} IPs; fees: {string.Join(", ", p.FeesPaise.Select(f => $"{f.Key} ₹{Money.Rupees(f.Value)}"))}")));
            }
            case ("plans", "create"):
            {
                var view = new PlanView(cli.Required("name"), Paise(cli.Required("price"), "--price"),
                    Int(cli.Required("validity-days"), "--validity-days"), Int(cli.Required("rate-limit"), "--rate-limit"),
                    cli["max-ips"] is { } m ? Int(m, "--max-ips") : 1, Pairs(cli.All("fee"), "--fee"), Pairs(cli.All("commission"), "--commission"));
                if (view.FeesPaise.Count == 0) throw new CliUsageError("Give at least one --fee SERVICE=RUPEES.");
                // A commission is stored on the service's fee row: one without a fee would be dropped silently.
                foreach (var service in view.CommissionsPaise.Keys)
                    if (!view.FeesPaise.ContainsKey(service)) throw new CliUsageError($"--commission {service} needs a --fee for {service} too.");
                await plans.CreateAsync(view, Actor);
                return await Print(stdout, cli, new { name = view.Name, created = true }, $"Plan {view.Name} created.");
            }
            case ("db", "migrate"):
                return await Print(stdout, cli, new { migrated = true }, "Database is up to date.");
            default:
                throw new CliUsageError($"Unknown command '{cli.Verb} {cli.Sub}'.");
        }
    }

    private static ApiMode Mode(CliArgs cli) => (cli["mode"] ?? "live").ToLowerInvariant() switch
    {
        "live" => ApiMode.Live,
        "test" => ApiMode.Test,
        _ => throw new CliUsageError("--mode must be live or test."),
    };

    private static long Paise(string text, string option) =>
        Money.TryParsePaise(text, out var paise) ? paise : throw new CliUsageError($"{option} must be an amount in rupees with at most two decimals, e.g. 1000 or 99.50.");

    private static int Int(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new CliUsageError($"{option} must be a whole number ≥ 0.");

    private static Dictionary<string, long> Pairs(IEnumerable<string> values, string option)
    {
        var result = new Dictionary<string, long>();
        foreach (var value in values)
        {
            var parts = value.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2) throw new CliUsageError($"{option} takes SERVICE=RUPEES, e.g. pan_verification=2.50.");
            result[parts[0]] = Paise(parts[1], option);
        }
        return result;
    }

    private static readonly JsonSerializerOptions JsonOut = new() { WriteIndented = true };

    private static async Task<int> Print(TextWriter stdout, CliArgs cli, object json, string text)
    {
        await stdout.WriteLineAsync(cli.Json ? JsonSerializer.Serialize(json, JsonOut) : text);
        return 0;
    }
}
