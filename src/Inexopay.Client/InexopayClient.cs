using System.Net.Http.Json;
using System.Text.Json;

namespace Inexopay.Client;

/// <summary>The answer of an Inexopay endpoint: its HTTP status and JSON body as the contract gives them.</summary>
public sealed record ApiResponse(int StatusCode, JsonElement Body)
{
    /// <summary>True for 2xx answers.</summary>
    public bool Ok => StatusCode is >= 200 and < 300;

    public string? Message => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("message", out var m) ? m.GetString() : null;
}

/// <summary>
/// A thin client for the Inexopay reseller API. It posts form fields exactly as the contract's PHP samples do, so
/// what works here works from any language. The key decides the mode: ixp_test_… keys use the sandbox.
/// </summary>
public sealed class InexopayClient(HttpClient http, string username, string apiKey)
{
    /// <param name="baseUrl">e.g. https://mail.inexopay.in or http://localhost:5080</param>
    public InexopayClient(string baseUrl, string username, string apiKey)
        : this(new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/") }, username, apiKey)
    {
    }

    public Task<ApiResponse> CheckStatusAsync(CancellationToken ct = default) => PostAsync("api/check_status.php", [], ct);

    public Task<ApiResponse> BalanceAsync(CancellationToken ct = default) => PostAsync("api/balance.php", [], ct);

    public Task<ApiResponse> PanStatusAsync(string orderId, CancellationToken ct = default) =>
        PostAsync("api/nsdl-pan/v1/pan_status.php", [("orderid", orderId)], ct);

    /// <summary>Starts a PAN application. On success the body is an auto-submitting HTML form to echo to the applicant's browser.</summary>
    public async Task<(int StatusCode, string Body)> RequestPanAsync(string orderId, string mobile, string panMode, string panType, string returnUrl,
        CancellationToken ct = default)
    {
        using var response = await http.PostAsync("api/nsdl-pan/v1/request_pan.php", Form(
            [("orderid", orderId), ("number", mobile), ("pan_mode", panMode), ("pan_type", panType), ("return_url", returnUrl)]), ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>Resumes an incomplete application; success is an auto-submitting HTML form.</summary>
    public async Task<(int StatusCode, string Body)> ResumePanAsync(string orderId, CancellationToken ct = default)
    {
        using var response = await http.PostAsync("api/nsdl-pan/v1/incomplete.php", Form([("orderid", orderId)]), ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    public Task<ApiResponse> OnboardAgentAsync(IReadOnlyDictionary<string, string> fields, CancellationToken ct = default) =>
        PostAsync("api/nsdl-bank/v1/onboarding.php", fields.Select(f => (f.Key, f.Value)).ToArray(), ct);

    public Task<ApiResponse> OpenAccountAsync(IReadOnlyDictionary<string, string> fields, CancellationToken ct = default) =>
        PostAsync("api/nsdl-bank/v1/account-open.php", fields.Select(f => (f.Key, f.Value)).ToArray(), ct);

    public Task<ApiResponse> AccountStatusAsync(string orderId, CancellationToken ct = default) =>
        PostAsync("api/nsdl-bank/v1/account-status.php", [("order_id", orderId)], ct);

    public Task<ApiResponse> AccountDetailsAsync(string customerPan, CancellationToken ct = default) =>
        PostAsync("api/nsdl-bank/v1/account-details.php", [("pancard", customerPan)], ct);

    /// <summary>PAN verification (HyperVerge NSDL PAN Direct contract): credentials travel as appId/appKey headers.</summary>
    public async Task<ApiResponse> VerifyPanAsync(string transactionId, string pan, string name, string dob, string? fatherName = null,
        CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/NSDLPanVerificationDirect")
        {
            Content = JsonContent.Create(fatherName is null
                ? new Dictionary<string, string> { ["pan"] = pan, ["name"] = name, ["dob"] = dob }
                : new Dictionary<string, string> { ["pan"] = pan, ["name"] = name, ["dob"] = dob, ["fatherName"] = fatherName }),
        };
        request.Headers.Add("appId", username);
        request.Headers.Add("appKey", apiKey);
        request.Headers.Add("transactionId", transactionId);
        using var response = await http.SendAsync(request, ct);
        return await ReadAsync(response, ct);
    }

    private async Task<ApiResponse> PostAsync(string path, (string Key, string Value)[] fields, CancellationToken ct)
    {
        using var response = await http.PostAsync(path, Form(fields), ct);
        return await ReadAsync(response, ct);
    }

    private FormUrlEncodedContent Form((string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))
            .Prepend(KeyValuePair.Create("username", username))
            .Prepend(KeyValuePair.Create("api_key", apiKey)));

    private static async Task<ApiResponse> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement body;
        try
        {
            body = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            body = JsonSerializer.SerializeToElement(new { message = text });
        }
        return new ApiResponse((int)response.StatusCode, body);
    }
}
