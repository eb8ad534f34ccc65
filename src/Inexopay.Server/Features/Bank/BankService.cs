using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Inexopay.Server.Api;
using Inexopay.Server.Auth;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Orders;
using Inexopay.Server.Providers;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Bank;

public sealed record OnboardingRequest(string OrderId, string ShopName, string Name, string Email, string Mobile, DateOnly DateOfBirth,
    string Address, string State, string City, string Pincode, string Pan);

public sealed record AccountOpenRequest(string OrderId, string AccountType, string AgentId, string AgentPan, string FirstName,
    string? MiddleName, string LastName, string Email, string Phone, string Pan, string Pincode);

/// <summary>A bank endpoint's answer: the HTTP status (= error_code on failure) and the ordered JSON body.</summary>
public sealed record BankReply(int Code, Dictionary<string, object?> Body)
{
    public IResult ToResult(int retryAfterSeconds = 0) => Json.Result(Code, Body, retryAfterSeconds);
}

/// <summary>
/// The NSDL Bank services: onboarding BC agents, opening accounts, status by order id, details by customer PAN.
/// Money always goes through <see cref="OrderPipeline"/>: the agent or account row is written in the transaction
/// that claims the order id and charges the fee; the bank's answer is recorded (and a failure refunded, and the
/// commission of an opened account credited) in the transaction that completes the order.
/// Decisions (see the endpoint docs in BankModule): test and live keys have separate agent-id sequences; a PAN already
/// onboarded as an active or pending agent is answered with that agent, uncharged; a rejected or failed agent may be
/// re-submitted with a new order_id and keeps its bcagentid.
/// </summary>
public sealed class BankService(InexopayDb db, OrderPipeline orders, SandboxBank sandbox, UpstreamBank upstream, TimeProvider clock,
    IConfiguration config, ILogger<BankService> log)
{
    public const string AlreadyOnboardedMessage = "Agent already onboarded";
    public const string NotConfiguredMessage =
        "Live NSDL Bank service is not configured on this server. Use your test API key for the sandbox, or contact support.";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private string AgentPrefix => config["Bank:AgentIdPrefix"] is { Length: > 0 } p ? p.Trim().ToUpperInvariant() : "INEXO";

    /// <summary>
    /// An order whose bank call started this long ago without an answer was interrupted (crash, restart). Well past
    /// the longest a live call can take (create + reconciling reads, each up to the upstream timeout), so a call
    /// still in flight is never second-guessed.
    /// </summary>
    private TimeSpan InterruptedAfter => TimeSpan.FromSeconds(config.GetValue("Bank:RecheckInterruptedAfterSeconds",
        Math.Max(300, 5 * config.GetValue("Providers:Upstream:TimeoutSeconds", 30.0))));

    private IBankGateway? GatewayFor(ApiMode mode) => mode == ApiMode.Test ? sandbox : upstream.Configured ? upstream : null;

    // ───────────────────────────── onboarding ─────────────────────────────

    public async Task<BankReply> OnboardAsync(ResellerContext r, OnboardingRequest q, CancellationToken ct)
    {
        if (GatewayFor(r.Mode) is not { } gateway) return Fail(503, NotConfiguredMessage);
        if (await IsDuplicateAsync(r, q.OrderId, ct)) return Fail(409, "Duplicate order_id");

        var existing = await FindAgentByPanAsync(r, q.Pan, ct);
        if (existing is { Status: BankStatus.Active or BankStatus.Pending }) return AlreadyOnboarded(existing);

        var attempt = NewProviderOrderId();
        var now = Now;
        BankAgent? agent = null;
        PlaceResult placed;
        try
        {
            placed = await orders.PlaceAsync(r, Services.BankOnboarding, q.OrderId, null, async (tx, order) =>
            {
                if (existing is null)
                {
                    var number = await NextAgentNumberAsync(tx, r.Mode, ct);
                    agent = new BankAgent
                    {
                        ResellerId = r.ResellerId, Mode = r.Mode, AgentCode = AgentPrefix + number.ToString("D4", CultureInfo.InvariantCulture),
                        OrderId = order.Id, Pan = q.Pan, Name = q.Name, ShopName = q.ShopName, Email = q.Email, Mobile = q.Mobile,
                        DateOfBirth = q.DateOfBirth, Address = q.Address, State = q.State, City = q.City, Pincode = q.Pincode,
                        Status = BankStatus.Pending, CreatedAt = now,
                    };
                    tx.BankAgents.Add(agent);
                }
                else
                {
                    // Re-submission of a rejected or failed agent: same bcagentid, the new request's details. The status
                    // condition makes concurrent re-submissions race for the row: the loser rolls back uncharged.
                    var claimed = await tx.BankAgents.Where(a => a.Id == existing.Id && (a.Status == BankStatus.Rejected || a.Status == BankStatus.Failed))
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(a => a.OrderId, order.Id).SetProperty(a => a.Status, BankStatus.Pending)
                            .SetProperty(a => a.Name, q.Name).SetProperty(a => a.ShopName, q.ShopName).SetProperty(a => a.Email, q.Email)
                            .SetProperty(a => a.Mobile, q.Mobile).SetProperty(a => a.DateOfBirth, q.DateOfBirth).SetProperty(a => a.Address, q.Address)
                            .SetProperty(a => a.State, q.State).SetProperty(a => a.City, q.City).SetProperty(a => a.Pincode, q.Pincode), ct);
                    if (claimed == 0) throw new AgentTakenException();
                    agent = new BankAgent
                    {
                        Id = existing.Id, ResellerId = r.ResellerId, Mode = r.Mode, AgentCode = existing.AgentCode, OrderId = order.Id,
                        Pan = q.Pan, Name = q.Name, ShopName = q.ShopName, Email = q.Email, Mobile = q.Mobile, DateOfBirth = q.DateOfBirth,
                        Address = q.Address, State = q.State, City = q.City, Pincode = q.Pincode, Status = BankStatus.Pending,
                        UpstreamAgentId = existing.UpstreamAgentId, CreatedAt = existing.CreatedAt,
                    };
                }
                order.RequestJson = new BankOrderData(attempt, agent.AgentCode, 0).ToJson();
            }, ct);
        }
        catch (Exception e) when (e is AgentTakenException || (e is DbUpdateException u && DbErrors.IsUniqueViolation(u)))
        {
            // A concurrent request onboarded this PAN first; its transaction won, ours rolled back (no charge, no id used).
            db.ChangeTracker.Clear();
            if (await FindAgentByPanAsync(r, q.Pan, ct) is { } winner) return AlreadyOnboarded(winner);
            throw;
        }
        if (Refusal(placed, r) is { } refusal) return refusal;
        var placedOrder = placed.Order!;

        // From here the order exists and is charged: finish it even if the caller goes away.
        AgentOutcome outcome;
        try
        {
            outcome = await gateway.OnboardAsync(agent!, attempt, CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogError(e, "Bank onboarding {AgentCode} (order {OrderId}) failed unexpectedly", agent!.AgentCode, placedOrder.Id);
            outcome = new AgentOutcome(BankAnswer.SystemError, Message: UpstreamBank.UnavailableMessage);
        }
        var balance = await CompleteAgentAsync(placedOrder, agent!, attempt, outcome);
        log.LogInformation("Bank onboarding {AgentCode} order {OrderId}: {Answer}", agent!.AgentCode, placedOrder.Id, outcome.Answer);

        var created = agent!;
        created.Status = BankStatus.Of(outcome.Answer).Status;
        created.UpstreamAgentId = outcome.UpstreamAgentId ?? created.UpstreamAgentId;
        return outcome.Answer switch
        {
            BankAnswer.Active => Ok("Agent onboarded successfully", AgentData(created, q.OrderId), Charged(placed.FeePaise, balance)),
            BankAnswer.Pending => Ok("Agent onboarding submitted; approval pending", AgentData(created, q.OrderId), Charged(placed.FeePaise, balance)),
            _ => FailedAfterCharge(outcome.Answer, outcome.Message, q.OrderId, balance, ("bcagentid", created.AgentCode)),
        };
    }

    private async Task<long> CompleteAgentAsync(Order order, BankAgent agent, string attempt, AgentOutcome outcome)
    {
        var (status, kyc) = BankStatus.Of(outcome.Answer);
        var result = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["bcagentid"] = agent.AgentCode, ["status"] = status, ["kyc_status"] = kyc, ["message"] = outcome.Message,
        });
        return await orders.CompleteAsync(order, ToProviderOutcome(outcome.Answer, attempt, result, outcome.Message), async (tx, o) =>
        {
            var upstreamId = outcome.UpstreamAgentId;
            await tx.BankAgents.Where(a => a.Id == agent.Id && a.OrderId == o.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status)
                    .SetProperty(a => a.UpstreamAgentId, a => upstreamId ?? a.UpstreamAgentId), CancellationToken.None);
        }, CancellationToken.None);
    }

    /// <summary>
    /// The next agent number of the mode: the counter row is incremented in the caller's transaction, so the row
    /// lock orders concurrent onboardings (on every node sharing the database) and a rollback gives the number back.
    /// </summary>
    private static async Task<long> NextAgentNumberAsync(InexopayDb tx, ApiMode mode, CancellationToken ct)
    {
        var name = "bank_agent_id:" + (mode == ApiMode.Live ? "live" : "test");
        await tx.Database.ExecuteSqlAsync($"""INSERT INTO "Counters" ("Name", "Value") VALUES ({name}, 0) ON CONFLICT ("Name") DO NOTHING""", ct);
        var values = await tx.Database.SqlQuery<long>(
            $"""UPDATE "Counters" SET "Value" = "Value" + 1 WHERE "Name" = {name} RETURNING "Value" AS "Value" """).ToListAsync(ct);
        return values[0];
    }

    private BankReply AlreadyOnboarded(BankAgent agent)
    {
        var data = AgentData(agent, null);
        return Ok(AlreadyOnboardedMessage, data, [("amount", 0.00m)]);
    }

    // ───────────────────────────── account opening ─────────────────────────────

    public async Task<BankReply> OpenAccountAsync(ResellerContext r, AccountOpenRequest q, CancellationToken ct)
    {
        if (GatewayFor(r.Mode) is not { } gateway) return Fail(503, NotConfiguredMessage);

        var agent = await db.BankAgents.FirstOrDefaultAsync(a => a.ResellerId == r.ResellerId && a.Mode == r.Mode && a.AgentCode == q.AgentId, ct);
        if (agent is null)
            return Fail(400, $"bcagentid {q.AgentId} is not a BC agent onboarded with your account{(r.Mode == ApiMode.Test ? " (test mode)" : "")}");
        if (!string.Equals(agent.Pan, q.AgentPan, StringComparison.Ordinal))
            return Fail(403, $"agent_pancard does not match the PAN registered for BC agent {agent.AgentCode}");
        if (agent.Status != BankStatus.Active)
            return Fail(403, $"BC agent {agent.AgentCode} is not active (status: {agent.Status}); only an active agent can open accounts");

        var attempt = NewProviderOrderId();
        var commission = r.Fees.TryGetValue(Services.BankAccountOpen, out var planFee) ? planFee.CommissionPaise : 0;
        var now = Now;
        BankAccount? account = null;
        var placed = await orders.PlaceAsync(r, Services.BankAccountOpen, q.OrderId, new BankOrderData(attempt, agent.AgentCode, commission).ToJson(),
            (tx, order) =>
            {
                account = new BankAccount
                {
                    ResellerId = r.ResellerId, Mode = r.Mode, OrderId = order.Id, AgentId = agent.Id, AccountType = q.AccountType,
                    FirstName = q.FirstName, MiddleName = q.MiddleName, LastName = q.LastName, Email = q.Email, Phone = q.Phone,
                    CustomerPan = q.Pan, Pincode = q.Pincode, Status = BankStatus.Pending, KycStatus = BankStatus.KycPending,
                    CreatedAt = now, UpdatedAt = now,
                };
                tx.BankAccounts.Add(account);
                return Task.CompletedTask;
            }, ct);
        if (Refusal(placed, r) is { } refusal) return refusal;
        var placedOrder = placed.Order!;

        AccountOutcome outcome;
        try
        {
            outcome = await gateway.OpenAccountAsync(account!, agent, attempt, CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogError(e, "Bank account opening (order {OrderId}) failed unexpectedly", placedOrder.Id);
            outcome = new AccountOutcome(BankAnswer.SystemError, Message: UpstreamBank.UnavailableMessage);
        }
        var (balance, opened) = await CompleteAccountAsync(placedOrder, account!, attempt, outcome, commission);
        log.LogInformation("Bank account opening order {OrderId} by {AgentCode}: {Answer}", placedOrder.Id, agent.AgentCode, outcome.Answer);

        var extras = Charged(placed.FeePaise, balance);
        return outcome.Answer switch
        {
            BankAnswer.Active => Ok("Account opened successfully", OpenedData(opened, q.OrderId), [.. extras, ("commission", Money.Rupees(commission))]),
            BankAnswer.Pending => Ok("Account opening submitted; KYC pending", OpenedData(opened, q.OrderId), extras),
            _ => FailedAfterCharge(outcome.Answer, outcome.Message, q.OrderId, balance),
        };
    }

    /// <summary>Records the bank's answer on the order and the account; an opened account earns the plan's commission, once.</summary>
    private async Task<(long Balance, BankAccount Account)> CompleteAccountAsync(Order order, BankAccount account, string attempt, AccountOutcome outcome,
        long commissionPaise)
    {
        var (status, kyc) = BankStatus.Of(outcome.Answer);
        var now = Now;
        var updated = account.ShallowCopy();
        updated.Status = status;
        updated.KycStatus = kyc;
        updated.AccountNumber = outcome.AccountNumber ?? account.AccountNumber;
        updated.Ifsc = outcome.Ifsc ?? account.Ifsc;
        updated.Branch = Truncate(outcome.Branch, 64) ?? account.Branch;
        // Live: the attempt id is the parent's order id for this account (its status is asked by it).
        updated.UpstreamRef = account.Mode == ApiMode.Live ? attempt : account.UpstreamRef;
        updated.UpdatedAt = now;
        if (outcome.BalancePaise is { } b) updated.BalancePaise = b;

        var result = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["account_number"] = updated.AccountNumber, ["status"] = status, ["kyc_status"] = kyc, ["message"] = outcome.Message,
        });
        var balance = await orders.CompleteAsync(order, ToProviderOutcome(outcome.Answer, attempt, result, outcome.Message), async (tx, o) =>
        {
            await tx.BankAccounts.Where(a => a.Id == account.Id)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.Status, updated.Status).SetProperty(a => a.KycStatus, updated.KycStatus)
                    .SetProperty(a => a.AccountNumber, updated.AccountNumber).SetProperty(a => a.Ifsc, updated.Ifsc)
                    .SetProperty(a => a.Branch, updated.Branch).SetProperty(a => a.UpstreamRef, updated.UpstreamRef)
                    .SetProperty(a => a.BalancePaise, updated.BalancePaise).SetProperty(a => a.UpdatedAt, now), CancellationToken.None);
            if (o.Status == OrderStatus.Succeeded && commissionPaise > 0)
            {
                var walletId = await tx.Wallets.Where(w => w.ResellerId == o.ResellerId && w.Mode == o.Mode).Select(w => w.Id).FirstAsync();
                await Ledger.PostAsync(tx, walletId, LedgerKind.Commission, commissionPaise, now, "commission: " + Services.BankAccountOpen, o.Id);
            }
        }, CancellationToken.None);
        return (balance, updated);
    }

    // ───────────────────────────── status ─────────────────────────────

    public async Task<BankReply> StatusAsync(ResellerContext r, string orderRef, CancellationToken ct)
    {
        var order = await db.Orders.FirstOrDefaultAsync(o => o.ResellerId == r.ResellerId && o.Mode == r.Mode && o.OrderRef == orderRef
            && (o.Service == Services.BankOnboarding || o.Service == Services.BankAccountOpen), ct);
        if (order is null) return Fail(404, "No record found for this order_id");
        var meta = BankOrderData.From(order.RequestJson);

        if (order.Service == Services.BankAccountOpen)
        {
            var account = await db.BankAccounts.FirstAsync(a => a.OrderId == order.Id, ct);
            var agent = await db.BankAgents.FirstAsync(a => a.Id == account.AgentId, ct);
            if (NeedsRecheck(order, r.Mode) && GatewayFor(r.Mode) is { } gateway && meta is not null)
            {
                var outcome = await AskAsync(() => gateway.AccountStatusAsync(account, agent, meta.Attempt, CancellationToken.None), order);
                if (outcome is not null && Changes(outcome.Answer, account.Status, order))
                {
                    await CompleteAccountAsync(order, account, meta.Attempt, Resolve(outcome), meta.CommissionPaise);
                    account = await db.BankAccounts.FirstAsync(a => a.Id == account.Id, ct);
                }
            }
            return Ok("Account status fetched", Json.Object(
                ("order_id", order.OrderRef),
                ("account_status", account.Status),
                ("account_number", account.AccountNumber),
                ("account_type", account.AccountType),
                ("kyc_status", account.KycStatus),
                ("last_updated", WireTime.Format(account.UpdatedAt)),
                ("order_type", "account_open"),
                ("bcagentid", agent.AgentCode),
                ("customer_name", CustomerName(account)),
                ("ifsc_code", account.Ifsc),
                ("branch", account.Branch)));
        }

        var current = await db.BankAgents.FirstOrDefaultAsync(a => a.OrderId == order.Id, ct);
        string status, kyc, agentCode;
        var updated = order.UpdatedAt;
        if (current is null)
        {
            // A failed attempt later superseded by a re-submission: answer with what this attempt ended as.
            var result = ResultOf(order.ResultJson);
            agentCode = meta?.AgentCode ?? result.GetValueOrDefault("bcagentid") ?? "";
            status = result.GetValueOrDefault("status") ?? BankStatus.Failed;
            kyc = result.GetValueOrDefault("kyc_status") ?? BankStatus.KycFailed;
        }
        else
        {
            if (NeedsRecheck(order, r.Mode) && GatewayFor(r.Mode) is { } gateway && meta is not null)
            {
                var outcome = await AskAsync(() => gateway.AgentStatusAsync(current, meta.Attempt, CancellationToken.None), order);
                if (outcome is not null && Changes(outcome.Answer, current.Status, order))
                {
                    var resolved = outcome.Answer == BankAnswer.NotFound ? new AgentOutcome(BankAnswer.SystemError, Message: UpstreamBank.UnavailableMessage) : outcome;
                    await CompleteAgentAsync(order, current, meta.Attempt, resolved);
                    current = await db.BankAgents.FirstAsync(a => a.Id == current.Id, ct);
                    updated = Now;
                }
            }
            agentCode = current.AgentCode;
            status = current.Status;
            kyc = BankStatus.KycOfAgent(current.Status);
        }
        return Ok("Account status fetched", Json.Object(
            ("order_id", order.OrderRef),
            ("account_status", status),
            ("account_number", null),
            ("account_type", null),
            ("kyc_status", kyc),
            ("last_updated", WireTime.Format(updated)),
            ("order_type", "agent_onboarding"),
            ("bcagentid", agentCode),
            ("agent_name", current?.Name)));
    }

    /// <summary>
    /// Pending orders are asked again: live ones whenever the bank may have moved on (agent approval, KYC), and
    /// orders of either mode whose bank call was interrupted (the call started long ago and never finished).
    /// A call in flight right now is left alone.
    /// </summary>
    private bool NeedsRecheck(Order order, ApiMode mode) =>
        order.Status == OrderStatus.Pending
        && (order.ProviderCallStartedAt is { } started ? Now - started > InterruptedAfter : mode == ApiMode.Live);

    /// <summary>Whether an answer moves the order on; "not found" counts only for an interrupted call (it never reached the bank).</summary>
    private static bool Changes(BankAnswer answer, string currentStatus, Order order) => answer switch
    {
        BankAnswer.NotFound => order.ProviderCallStartedAt is not null,
        BankAnswer.Pending => order.ProviderCallStartedAt is not null || currentStatus != BankStatus.Pending,
        _ => true,
    };

    private static AccountOutcome Resolve(AccountOutcome outcome) =>
        outcome.Answer == BankAnswer.NotFound ? new AccountOutcome(BankAnswer.SystemError, Message: UpstreamBank.UnavailableMessage) : outcome;

    private async Task<T?> AskAsync<T>(Func<Task<T>> query, Order order) where T : class
    {
        try
        {
            return await query();
        }
        catch (ProviderUnavailableException e)
        {
            log.LogWarning("Bank status re-check of order {OrderId} unavailable: {Reason}", order.Id, e.Message);
            return null;
        }
    }

    // ───────────────────────────── details ─────────────────────────────

    public async Task<BankReply> DetailsAsync(ResellerContext r, string pan, CancellationToken ct)
    {
        var accounts = await db.BankAccounts
            .Where(a => a.ResellerId == r.ResellerId && a.Mode == r.Mode && a.CustomerPan == pan)
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id)
            .Take(50).ToListAsync(ct);
        if (accounts.Count == 0) return Fail(404, "No account found for this pancard");

        var orderIds = accounts.Select(a => a.OrderId).ToList();
        var orderRefs = await db.Orders.Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.OrderRef, ct);
        var agentIds = accounts.Select(a => a.AgentId).Distinct().ToList();
        var agentCodes = await db.BankAgents.Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.AgentCode, ct);

        // The bank knows the balance; ask it for the latest account (live), keep our record when it cannot say.
        string? lastTransaction = null;
        var latest = accounts[0];
        if (latest.Status is BankStatus.Active && GatewayFor(r.Mode) is { } gateway
            && await gateway.AccountDetailsAsync(latest, CancellationToken.None) is { } fresh)
        {
            lastTransaction = fresh.LastTransaction;
            if (fresh.BalancePaise is { } balance && balance != latest.BalancePaise)
            {
                await db.BankAccounts.Where(a => a.Id == latest.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.BalancePaise, balance), ct);
                latest.BalancePaise = balance;
            }
        }

        var rows = accounts.Select((a, i) => DetailsData(a, orderRefs.GetValueOrDefault(a.OrderId), agentCodes.GetValueOrDefault(a.AgentId),
            i == 0 ? lastTransaction : null)).ToList();
        return Ok("Account details fetched", rows[0], [("accounts", rows)]);
    }

    // ───────────────────────────── shapes ─────────────────────────────

    private static Dictionary<string, object?> AgentData(BankAgent agent, string? orderRef)
    {
        var data = Json.Object(
            ("bcagentid", agent.AgentCode),
            ("agent_name", agent.Name),
            ("shop_name", agent.ShopName),
            ("mobile", agent.Mobile),
            ("email", agent.Email),
            ("created_at", WireTime.Format(agent.CreatedAt)),
            ("status", agent.Status));
        if (orderRef is not null) data["order_id"] = orderRef;
        return data;
    }

    private static Dictionary<string, object?> OpenedData(BankAccount a, string orderRef) => Json.Object(
        ("account_number", a.AccountNumber),
        ("account_type", a.AccountType),
        ("customer_name", CustomerName(a)),
        ("ifsc_code", a.Ifsc),
        ("branch", a.Branch),
        ("status", a.Status),
        ("created_at", WireTime.Format(a.CreatedAt)),
        ("kyc_status", a.KycStatus),
        ("order_id", orderRef));

    private static Dictionary<string, object?> DetailsData(BankAccount a, string? orderRef, string? agentCode, string? lastTransaction) => Json.Object(
        ("account_number", a.AccountNumber),
        ("account_type", a.AccountType),
        ("customer_name", CustomerName(a)),
        ("email", a.Email),
        ("phone", a.Phone),
        ("ifsc_code", a.Ifsc),
        ("branch", a.Branch),
        ("balance", (a.BalancePaise / 100m).ToString("0.00", CultureInfo.InvariantCulture)),
        ("pancard", a.CustomerPan),
        ("kyc_status", a.KycStatus),
        ("account_status", a.Status),
        ("opened_date", WireTime.Date(a.CreatedAt)),
        ("last_transaction", lastTransaction),
        ("order_id", orderRef),
        ("bcagentid", agentCode));

    private static string CustomerName(BankAccount a) =>
        string.Join(' ', new[] { a.FirstName, a.MiddleName, a.LastName }.Where(n => !string.IsNullOrEmpty(n)));

    public static BankReply Ok(string message, Dictionary<string, object?> data, IEnumerable<(string, object?)>? extras = null)
    {
        var body = Json.Object(("status", true), ("message", message), ("data", data));
        foreach (var (k, v) in extras ?? []) body[k] = v;
        return new BankReply(200, body);
    }

    public static BankReply Fail(int code, string message, params (string, object?)[] extras)
    {
        var body = Json.Object(("status", false), ("error_code", code), ("message", message));
        foreach (var (k, v) in extras) body[k] = v;
        return new BankReply(code, body);
    }

    private static (string, object?)[] Charged(long feePaise, long balancePaise) =>
        [("amount", Money.Rupees(feePaise)), ("balance", Money.Rupees(balancePaise))];

    /// <summary>The bank refused (422) or failed (500) after the fee was taken: it has been refunded.</summary>
    private static BankReply FailedAfterCharge(BankAnswer answer, string? message, string orderRef, long balancePaise, params (string, object?)[] extras)
    {
        var code = answer == BankAnswer.Rejected ? 422 : 500;
        var text = (message ?? (code == 422 ? "Rejected by the bank" : SandboxBank.SystemErrorMessage)).TrimEnd('.') + "." + UpstreamBank.RefundNote;
        return Fail(code, text, [("order_id", orderRef), .. extras, ("refunded", true), ("balance", Money.Rupees(balancePaise))]);
    }

    private static BankReply? Refusal(PlaceResult placed, ResellerContext r) => placed.Status switch
    {
        PlaceStatus.Placed => null,
        PlaceStatus.Duplicate => Fail(409, "Duplicate order_id"),
        PlaceStatus.InsufficientBalance => Fail(402, "Insufficient Balance",
            ("amount", Money.Rupees(placed.FeePaise)), ("balance", Money.Rupees(placed.BalanceAfterPaise))),
        _ => Fail(403, $"Your plan ({r.PlanName}) does not include this service"),
    };

    private static ProviderOutcome ToProviderOutcome(BankAnswer answer, string attempt, string resultJson, string? message) => answer switch
    {
        BankAnswer.Active => ProviderOutcome.Succeeded(attempt, resultJson),
        BankAnswer.Pending => ProviderOutcome.Pending(attempt, resultJson),
        _ => ProviderOutcome.Failed(message ?? "bank error", resultJson),
    };

    private Task<bool> IsDuplicateAsync(ResellerContext r, string orderRef, CancellationToken ct) =>
        db.Orders.AnyAsync(o => o.ResellerId == r.ResellerId && o.Mode == r.Mode && o.OrderRef == orderRef, ct);

    private Task<BankAgent?> FindAgentByPanAsync(ResellerContext r, string pan, CancellationToken ct) =>
        db.BankAgents.FirstOrDefaultAsync(a => a.ResellerId == r.ResellerId && a.Mode == r.Mode && a.Pan == pan, ct);

    /// <summary>The id the bank (or parent) sees for one attempt: unique, and unrelated to the reseller's own order id.</summary>
    private static string NewProviderOrderId() => "IXB" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    private static Dictionary<string, string?> ResultOf(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];

    private sealed class AgentTakenException : Exception;
}

/// <summary>What the bank slice keeps on its orders (Order.RequestJson): no personal data.</summary>
internal sealed record BankOrderData(string Attempt, string AgentCode, long CommissionPaise)
{
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["provider_order_id"] = Attempt, ["bcagentid"] = AgentCode, ["commission_paise"] = CommissionPaise,
    });

    public static BankOrderData? From(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            return new BankOrderData(root.GetProperty("provider_order_id").GetString()!, root.GetProperty("bcagentid").GetString()!,
                root.GetProperty("commission_paise").GetInt64());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}

internal static class BankEntityCopies
{
    public static BankAccount ShallowCopy(this BankAccount a) => new()
    {
        Id = a.Id, ResellerId = a.ResellerId, Mode = a.Mode, OrderId = a.OrderId, AgentId = a.AgentId, AccountType = a.AccountType,
        FirstName = a.FirstName, MiddleName = a.MiddleName, LastName = a.LastName, Email = a.Email, Phone = a.Phone,
        CustomerPan = a.CustomerPan, Pincode = a.Pincode, AccountNumber = a.AccountNumber, Ifsc = a.Ifsc, Branch = a.Branch,
        Status = a.Status, KycStatus = a.KycStatus, BalancePaise = a.BalancePaise, UpstreamRef = a.UpstreamRef,
        CreatedAt = a.CreatedAt, UpdatedAt = a.UpdatedAt,
    };
}
