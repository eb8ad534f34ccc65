using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Features.Verification;

public sealed record PanReply(int Status, JsonElement Body, TimeSpan? RetryAfter)
{
    public string Message => Body.Str("message");
    public JsonElement Result => Body.GetProperty("result");
}

/// <summary>Calls POST /v1/NSDLPanVerificationDirect the way a reseller's code does (headers + JSON body).</summary>
public static class PanApi
{
    public const string Endpoint = "/v1/NSDLPanVerificationDirect";

    public static Task<PanReply> VerifyAsync(this HttpClient http, CreatedReseller shop, string pan, string name = "RAHUL KUMAR SHARMA",
        string dob = "15/05/1990", string? fatherName = null, string? transactionId = null, bool live = false)
    {
        var body = new Dictionary<string, string> { ["pan"] = pan, ["name"] = name, ["dob"] = dob };
        if (fatherName is not null) body["fatherName"] = fatherName;
        return http.SendRawAsync(shop.Username, live ? shop.LiveApiKey : shop.TestApiKey, transactionId ?? NewTransactionId(),
            JsonSerializer.Serialize(body));
    }

    public static async Task<PanReply> SendRawAsync(this HttpClient http, string? appId, string? appKey, string? transactionId, string? json,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        if (appId is not null) request.Headers.TryAddWithoutValidation("appId", appId);
        if (appKey is not null) request.Headers.TryAddWithoutValidation("appKey", appKey);
        if (transactionId is not null) request.Headers.TryAddWithoutValidation("transactionId", transactionId);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        using var response = await http.SendAsync(request);
        return new PanReply((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.RetryAfter?.Delta);
    }

    public static string NewTransactionId() => "txn-" + Guid.NewGuid().ToString("N");

    public static Task<List<LedgerLine>> LedgerAsync(this InexopayServer server, CreatedReseller shop, ApiMode mode) =>
        server.WithScopeAsync(sp => sp.GetRequiredService<WalletAdmin>().LedgerAsync(shop.Username, mode, 1000));

    public static Task<long> BalancePaiseAsync(this InexopayServer server, CreatedReseller shop, ApiMode mode) =>
        server.WithScopeAsync(async sp =>
        {
            var check = (await sp.GetRequiredService<WalletAdmin>().VerifyAsync()).Single(w => w.Username == shop.Username && w.Mode == (mode == ApiMode.Live ? "live" : "test"));
            Assert.True(check.Consistent, $"balance {check.BalancePaise} != ledger sum {check.LedgerSumPaise}");
            return check.BalancePaise;
        });

    /// <summary>The contract's failure shape, with metaData echoing our transactionId unless the contract gives it none.</summary>
    public static void AssertFailure(PanReply reply, int status, string message, string? transactionId, bool metaData = true)
    {
        Assert.Equal((status, message), (reply.Status, reply.Message));
        Assert.Equal(status, reply.Body.GetProperty("statusCode").GetInt32());
        Assert.Equal("failure", reply.Body.Str("status"));
        var names = reply.Body.EnumerateObject().Select(p => p.Name).Take(3).ToArray();
        Assert.Equal(["message", "statusCode", "status"], names);
        if (!metaData)
        {
            Assert.False(reply.Body.TryGetProperty("metaData", out _));
            return;
        }
        var meta = reply.Body.GetProperty("metaData");
        Assert.False(string.IsNullOrEmpty(meta.Str("requestId")));
        if (transactionId is not null) Assert.Equal(transactionId, meta.Str("transactionId"));
    }
}
