using Inexopay.Server.Features.Sandbox;
using Inexopay.Server.Storage;

namespace Inexopay.Server.Features.Bank;

/// <summary>
/// The simulated NSDL Payments Bank behind test keys. Agents are approved and customers' KYC verified at once,
/// unless a documented magic mobile number asks for another outcome. Decisions depend only on the request, so
/// asking again (a status check after an interrupted call) gives the same answer.
/// </summary>
public sealed class SandboxBank : IBankGateway
{
    public const string Ifsc = "NSPB0000002";
    public const string Branch = "NSDL Payments Bank - Digital Branch, Mumbai";

    public const string AgentPendingMobile = "9000000011";
    public const string AgentRejectedMobile = "9000000012";
    public const string AgentSystemErrorMobile = "9000000013";
    public const string CustomerKycPendingPhone = "9000000021";
    public const string CustomerKycRejectedPhone = "9000000022";
    public const string CustomerSystemErrorPhone = "9000000023";

    public const string AgentRejectedMessage = "Agent registration rejected by the bank: PAN and name could not be verified";
    public const string AccountRejectedMessage = "Account opening rejected by the bank: customer KYC could not be verified";
    public const string SystemErrorMessage = "Bank system error";

    public Task<AgentOutcome> OnboardAsync(BankAgent agent, string providerOrderId, CancellationToken ct) =>
        Task.FromResult(DecideAgent(agent));

    public Task<AgentOutcome> AgentStatusAsync(BankAgent agent, string providerOrderId, CancellationToken ct) =>
        Task.FromResult(DecideAgent(agent));

    public Task<AccountOutcome> OpenAccountAsync(BankAccount account, BankAgent agent, string providerOrderId, CancellationToken ct) =>
        Task.FromResult(DecideAccount(account));

    public Task<AccountOutcome> AccountStatusAsync(BankAccount account, BankAgent agent, string providerOrderId, CancellationToken ct) =>
        Task.FromResult(DecideAccount(account));

    /// <summary>The sandbox's record is ours: nothing newer to fetch.</summary>
    public Task<AccountOutcome?> AccountDetailsAsync(BankAccount account, CancellationToken ct) => Task.FromResult<AccountOutcome?>(null);

    private static AgentOutcome DecideAgent(BankAgent agent) => agent.Mobile switch
    {
        AgentPendingMobile => new AgentOutcome(BankAnswer.Pending),
        AgentRejectedMobile => new AgentOutcome(BankAnswer.Rejected, Message: AgentRejectedMessage),
        AgentSystemErrorMobile => new AgentOutcome(BankAnswer.SystemError, Message: SystemErrorMessage),
        _ => new AgentOutcome(BankAnswer.Active),
    };

    private static AccountOutcome DecideAccount(BankAccount account) => account.Phone switch
    {
        // The bank allots the number at once; the account works only after KYC.
        CustomerKycPendingPhone => new AccountOutcome(BankAnswer.Pending, AccountNumberFor(account.OrderId), Ifsc, Branch),
        CustomerKycRejectedPhone => new AccountOutcome(BankAnswer.Rejected, Message: AccountRejectedMessage),
        CustomerSystemErrorPhone => new AccountOutcome(BankAnswer.SystemError, Message: SystemErrorMessage),
        _ => new AccountOutcome(BankAnswer.Active, AccountNumberFor(account.OrderId), Ifsc, Branch, BalancePaise: 0),
    };

    /// <summary>
    /// 12 digits like NSDL Payments Bank's: "50", the order's id in 9 digits (unique per database), a Luhn check digit.
    /// </summary>
    public static string AccountNumberFor(long orderId)
    {
        var body = "50" + (orderId % 1_000_000_000).ToString("D9");
        return body + LuhnDigit(body);
    }

    public static bool IsAccountNumber(string? value) =>
        value is { Length: 12 } && value.StartsWith("50", StringComparison.Ordinal) && value.All(char.IsAsciiDigit)
        && LuhnDigit(value[..11]) == value[11];

    private static char LuhnDigit(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        return (char)('0' + (10 - sum % 10) % 10);
    }
}

/// <summary>The bank sandbox's magic values, published at /api/sandbox/test-data.json under "nsdl_bank".</summary>
public sealed class BankSandboxTestData : ISandboxTestData
{
    public string Section => "nsdl_bank";

    public object Describe() => new Dictionary<string, object?>
    {
        ["description"] = "Simulated NSDL Payments Bank. Agents are approved and customer KYC verified at once unless a magic number below is used.",
        ["ifsc_code"] = SandboxBank.Ifsc,
        ["branch"] = SandboxBank.Branch,
        ["account_number_format"] = "12 digits starting with 50",
        ["bcagentid_format"] = "INEXO0001, INEXO0002, … (gap-free; test and live keys have separate sequences)",
        ["agent_mobiles"] = new object[]
        {
            Magic(SandboxBank.AgentPendingMobile, "pending", "Agent stays pending approval: charged, cannot open accounts yet."),
            Magic(SandboxBank.AgentRejectedMobile, "rejected", "Bank rejects the agent: HTTP 422, fee refunded. A new order_id may re-submit the same PAN."),
            Magic(SandboxBank.AgentSystemErrorMobile, "system_error", "Bank answers a system error: HTTP 500, fee refunded."),
        },
        ["customer_phones"] = new object[]
        {
            Magic(SandboxBank.CustomerKycPendingPhone, "kyc_pending", "Account number allotted, account and KYC stay pending: charged, no commission yet."),
            Magic(SandboxBank.CustomerKycRejectedPhone, "kyc_rejected", "KYC rejected: HTTP 422, account rejected, fee refunded."),
            Magic(SandboxBank.CustomerSystemErrorPhone, "system_error", "Bank answers a system error: HTTP 500, fee refunded."),
        },
        ["any_other_number"] = "active: agent approved / account opened with KYC verified; account opening credits the plan's commission.",
    };

    private static Dictionary<string, object?> Magic(string number, string outcome, string effect) =>
        new() { ["number"] = number, ["outcome"] = outcome, ["effect"] = effect };
}
