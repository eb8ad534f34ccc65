using System.Globalization;
using System.Text.Json;
using Inexopay.Server.Providers;
using Inexopay.Server.Storage;

namespace Inexopay.Server.Features.Bank;

/// <summary>
/// Live bank services, resold from an INEXOPAY-compatible parent API (<c>Providers:Upstream:BaseUrl</c>,
/// <c>:Username</c>, <c>:ApiKey</c>, <c>:TimeoutSeconds</c>). Our order ids and agent ids stay ours: the parent sees
/// one attempt id per call (<c>providerOrderId</c>) and its own agent id (kept in <see cref="BankAgent.UpstreamAgentId"/>).
/// Creates are sent once; when their outcome is unknown (timeout, no answer, a duplicate-id answer) the parent's
/// status endpoint is asked whether the attempt landed before anything is refunded. Reads are retried.
/// </summary>
public sealed class UpstreamBank(IHttpClientFactory httpFactory, OutboundCalls calls, IConfiguration config, ILogger<UpstreamBank> log)
    : IBankGateway
{
    public const string Provider = "upstream";
    public const string HttpClientName = "bank-upstream";

    private const string OnboardingPath = "/api/nsdl-bank/v1/onboarding.php";
    private const string AccountOpenPath = "/api/nsdl-bank/v1/account-open.php";
    private const string StatusPath = "/api/nsdl-bank/v1/account-status.php";
    private const string DetailsPath = "/api/nsdl-bank/v1/account-details.php";

    /// <summary>Shown to resellers when the parent cannot serve us; the reason is logged, not exposed.</summary>
    public const string UnavailableMessage = "NSDL Bank service is temporarily unavailable. Please retry later.";

    /// <summary>Appended to failures that were refunded (ours and an INEXOPAY parent's).</summary>
    public const string RefundNote = " The fee has been refunded.";

    private string? BaseUrl => config["Providers:Upstream:BaseUrl"];
    private string? Username => config["Providers:Upstream:Username"];
    private string? ApiKey => config["Providers:Upstream:ApiKey"];
    private TimeSpan Timeout => TimeSpan.FromSeconds(Math.Clamp(config.GetValue("Providers:Upstream:TimeoutSeconds", 30.0), 1, 300));

    public bool Configured =>
        Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && !string.IsNullOrWhiteSpace(Username) && !string.IsNullOrWhiteSpace(ApiKey);

    public async Task<AgentOutcome> OnboardAsync(BankAgent agent, string providerOrderId, CancellationToken ct)
    {
        try
        {
            var (status, body) = await PostAsync(OnboardingPath, false, ct,
                ("order_id", providerOrderId), ("shop_name", agent.ShopName), ("name", agent.Name), ("email", agent.Email),
                ("mobile", agent.Mobile), ("date_of_birth", agent.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                ("address", agent.Address), ("state_name", agent.State), ("city_name", agent.City), ("pincode", agent.Pincode),
                ("pancard", agent.Pan));
            if (status == 200 && IsTrue(body)) return AgentFrom(Data(body));
            if (CreateFailure(status, body, providerOrderId) is { } failure) return new AgentOutcome(failure.Answer, Message: failure.Message);
        }
        catch (ProviderUnavailableException e)
        {
            log.LogWarning("Upstream onboarding {ProviderOrderId} outcome unknown ({Reason}); reconciling", providerOrderId, e.Message);
        }
        try
        {
            var found = await AgentStatusAsync(agent, providerOrderId, ct);
            return found.Answer == BankAnswer.NotFound ? new AgentOutcome(BankAnswer.SystemError, Message: UnavailableMessage) : found;
        }
        catch (ProviderUnavailableException)
        {
            return new AgentOutcome(BankAnswer.SystemError, Message: UnavailableMessage);
        }
    }

    public async Task<AccountOutcome> OpenAccountAsync(BankAccount account, BankAgent agent, string providerOrderId, CancellationToken ct)
    {
        if (agent.UpstreamAgentId is null) return new AccountOutcome(BankAnswer.Rejected, Message: "The BC agent is not registered with the live bank");
        try
        {
            var fields = new List<(string, string)>
            {
                ("order_id", providerOrderId), ("account_type", account.AccountType), ("bcagentid", agent.UpstreamAgentId),
                ("agent_pancard", agent.Pan), ("first_name", account.FirstName), ("last_name", account.LastName),
                ("email", account.Email), ("phone", account.Phone), ("pancard", account.CustomerPan), ("pincode", account.Pincode),
            };
            if (!string.IsNullOrEmpty(account.MiddleName)) fields.Add(("middle_name", account.MiddleName));
            var (status, body) = await PostAsync(AccountOpenPath, false, ct, [.. fields]);
            if (status == 200 && IsTrue(body)) return AccountFrom(Data(body));
            if (CreateFailure(status, body, providerOrderId) is { } failure) return new AccountOutcome(failure.Answer, Message: failure.Message);
        }
        catch (ProviderUnavailableException e)
        {
            log.LogWarning("Upstream account opening {ProviderOrderId} outcome unknown ({Reason}); reconciling", providerOrderId, e.Message);
        }
        try
        {
            var found = await AccountStatusAsync(account, agent, providerOrderId, ct);
            return found.Answer == BankAnswer.NotFound ? new AccountOutcome(BankAnswer.SystemError, Message: UnavailableMessage) : found;
        }
        catch (ProviderUnavailableException)
        {
            return new AccountOutcome(BankAnswer.SystemError, Message: UnavailableMessage);
        }
    }

    /// <exception cref="ProviderUnavailableException">The parent could not say.</exception>
    public async Task<AgentOutcome> AgentStatusAsync(BankAgent agent, string providerOrderId, CancellationToken ct)
    {
        var data = await StatusAsync(providerOrderId, ct);
        if (data is null) return new AgentOutcome(BankAnswer.NotFound);
        var answer = AnswerOf(Text(data.Value, "account_status"));
        return new AgentOutcome(answer, Text(data.Value, "bcagentid") ?? agent.UpstreamAgentId);
    }

    /// <exception cref="ProviderUnavailableException">The parent could not say.</exception>
    public async Task<AccountOutcome> AccountStatusAsync(BankAccount account, BankAgent agent, string providerOrderId, CancellationToken ct)
    {
        var data = await StatusAsync(providerOrderId, ct);
        if (data is null) return new AccountOutcome(BankAnswer.NotFound);
        var d = data.Value;
        var number = Text(d, "account_number") is { Length: <= 20 } n ? n : account.AccountNumber;
        return new AccountOutcome(AnswerOf(Text(d, "account_status")), number, Ifsc(d) ?? account.Ifsc ?? SandboxBank.Ifsc, Text(d, "branch") ?? account.Branch);
    }

    public async Task<AccountOutcome?> AccountDetailsAsync(BankAccount account, CancellationToken ct)
    {
        if (account.AccountNumber is null) return null;
        try
        {
            var (status, body) = await PostAsync(DetailsPath, true, ct, ("pancard", account.CustomerPan));
            if (status != 200 || !IsTrue(body)) return null;
            // The parent answers for all of our resellers' accounts of that PAN: use only the one that is this account.
            var candidates = new List<JsonElement> { Data(body) };
            if (body.TryGetProperty("accounts", out var list) && list.ValueKind == JsonValueKind.Array) candidates.AddRange(list.EnumerateArray());
            foreach (var c in candidates)
            {
                if (c.ValueKind != JsonValueKind.Object || Text(c, "account_number") != account.AccountNumber) continue;
                long? balance = Api.Money.TryParsePaise(Text(c, "balance"), out var paise) ? paise : null;
                return new AccountOutcome(AnswerOf(Text(c, "account_status")), account.AccountNumber, Ifsc(c) ?? account.Ifsc,
                    Text(c, "branch") ?? account.Branch, BalancePaise: balance, LastTransaction: Text(c, "last_transaction"));
            }
            return null;
        }
        catch (ProviderUnavailableException e)
        {
            log.LogWarning("Upstream account details unavailable ({Reason}); answering from our record", e.Message);
            return null;
        }
    }

    /// <summary>The parent's status data for an attempt, null when it has no such order.</summary>
    private async Task<JsonElement?> StatusAsync(string providerOrderId, CancellationToken ct)
    {
        var (status, body) = await PostAsync(StatusPath, true, ct, ("order_id", providerOrderId));
        if (status == 200 && IsTrue(body)) return Data(body);
        if (status == 404) return null;
        throw new ProviderUnavailableException(Provider, $"status query answered HTTP {status}");
    }

    /// <summary>A definite refusal from the parent, or null when its answer leaves the outcome unknown (409: the id was seen).</summary>
    private (BankAnswer Answer, string Message)? CreateFailure(int status, JsonElement body, string providerOrderId)
    {
        // An INEXOPAY-compatible parent words its failures for its reseller (us); drop its note about its own refund.
        var message = Text(body, "message") is { } m ? m.Replace(RefundNote, "", StringComparison.Ordinal).Trim() : $"HTTP {status}";
        switch (status)
        {
            case 400 or 404 or 422:
                return (BankAnswer.Rejected, message.Contains("reject", StringComparison.OrdinalIgnoreCase) ? message : "Rejected by the bank: " + message);
            case 409:
                return null;
            case 401 or 402 or 403 or 429:
                // Our own account at the parent is the problem (credentials, balance, IP, rate): not the reseller's.
                log.LogError("Upstream refused attempt {ProviderOrderId} with HTTP {Status}: {Message}", providerOrderId, status, message);
                return (BankAnswer.SystemError, UnavailableMessage);
            default:
                log.LogWarning("Upstream failed attempt {ProviderOrderId} with HTTP {Status}", providerOrderId, status);
                return (BankAnswer.SystemError, status >= 500 ? (message.StartsWith("Bank", StringComparison.Ordinal) ? message : "Bank system error: " + message)
                    : UnavailableMessage);
        }
    }

    private static AgentOutcome AgentFrom(JsonElement data)
    {
        var id = Text(data, "bcagentid");
        if (id is null or { Length: > 64 }) return new AgentOutcome(BankAnswer.SystemError, Message: "Bank answered without a valid BC agent id");
        var answer = Text(data, "status") is { } s ? AnswerOf(s) : BankAnswer.Active;
        return new AgentOutcome(answer, id);
    }

    private static AccountOutcome AccountFrom(JsonElement data)
    {
        var number = Text(data, "account_number");
        var answer = Text(data, "status") is { } s ? AnswerOf(s) : BankAnswer.Active;
        if ((number is null && answer == BankAnswer.Active) || number is { Length: > 20 })
            return new AccountOutcome(BankAnswer.SystemError, Message: "Bank answered without a valid account number");
        return new AccountOutcome(answer, number, Ifsc(data) ?? SandboxBank.Ifsc, Text(data, "branch"));
    }

    private static BankAnswer AnswerOf(string? status) => status?.ToLowerInvariant() switch
    {
        "active" or "approved" or "success" => BankAnswer.Active,
        "pending" or "processing" => BankAnswer.Pending,
        "rejected" => BankAnswer.Rejected,
        _ => BankAnswer.SystemError,
    };

    private async Task<(int Status, JsonElement Body)> PostAsync(string path, bool safeToRetry, CancellationToken ct, params (string Key, string Value)[] fields)
    {
        var url = new Uri(BaseUrl!.TrimEnd('/') + path);
        var form = new List<KeyValuePair<string, string>> { new("api_key", ApiKey!), new("username", Username!) };
        form.AddRange(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
        return await calls.RunAsync(Provider, Timeout, safeToRetry, async token =>
        {
            var http = httpFactory.CreateClient(HttpClientName);
            using var content = new FormUrlEncodedContent(form);
            using var response = await http.PostAsync(url, content, token);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(token);
            JsonElement body;
            try
            {
                using var doc = JsonDocument.Parse(text);
                body = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                // A proxy's error page or a cut-off body: the call's outcome is unknown.
                throw new HttpRequestException($"{path} answered HTTP {status} without a JSON body");
            }
            if (body.ValueKind != JsonValueKind.Object) throw new HttpRequestException($"{path} answered HTTP {status} with a non-object body");
            if (safeToRetry && status >= 500) throw new HttpRequestException($"{path} answered HTTP {status}");
            return (status, body);
        }, ct);
    }

    /// <summary>An IFSC is 11 characters (4 letters, 0, 6 alphanumerics); anything else from the parent is ignored.</summary>
    private static string? Ifsc(JsonElement e) =>
        Text(e, "ifsc_code") is { Length: 11 } v && v.Take(4).All(char.IsAsciiLetterUpper) && v[4] == '0' && v.All(char.IsAsciiLetterOrDigit) ? v : null;

    private static bool IsTrue(JsonElement body) =>
        body.TryGetProperty("status", out var s) && (s.ValueKind == JsonValueKind.True
            || (s.ValueKind == JsonValueKind.String && s.GetString() is "true" or "SUCCESS" or "success"));

    private static JsonElement Data(JsonElement body) =>
        body.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) is { Length: > 0 } s ? s : null
            : null;
}
