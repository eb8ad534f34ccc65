using System.Net.Http.Json;
using System.Text.Json;
using Inexopay.Server.Providers;

namespace Inexopay.Server.Features.Verification;

/// <summary>
/// Live PAN verification through HyperVerge's NSDL PAN Direct API (or any server speaking its contract, such as a
/// parent Inexopay). Configuration: <c>Providers:HyperVerge:BaseUrl</c>, <c>:AppId</c>, <c>:AppKey</c>,
/// <c>:TimeoutSeconds</c> (default 10). Each inquiry is paid upstream, so it is never retried.
/// <para>Answers are mapped as follows. A success becomes our success. A catalogue error about the inquiry or about
/// Protean (invalid fields, Authentication Failure, User not authorized, CRL expired, System Error, System Failure…)
/// is passed on with the same status and message. Two catalogue errors would mislead the reseller because they are
/// about the platform's own account with the provider — 401 "Missing/Invalid credentials" (our appId/appKey) and 409
/// "Duplicate Transaction ID entered" (our order id) — so they, any answer outside the catalogue (402, 429, a proxy's
/// 502…), timeouts, unreachable hosts and an open circuit all become 500 "System Error". The caller refunds every
/// answer that is not a success.</para>
/// </summary>
public sealed class HyperVergeConnector(IHttpClientFactory httpFactory, OutboundCalls calls, ProviderHealth health, IConfiguration config,
    ILogger<HyperVergeConnector> log)
{
    public const string ProviderName = "hyperverge";
    public const string HttpClientName = "hyperverge";
    private const string Route = "v1/NSDLPanVerificationDirect";

    private string? BaseUrl => config["Providers:HyperVerge:BaseUrl"];
    private string? AppId => config["Providers:HyperVerge:AppId"];
    private string? AppKey => config["Providers:HyperVerge:AppKey"];
    private TimeSpan Timeout => TimeSpan.FromSeconds(config.GetValue("Providers:HyperVerge:TimeoutSeconds", 10.0));

    public bool IsConfigured =>
        Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && !string.IsNullOrWhiteSpace(AppId) && !string.IsNullOrWhiteSpace(AppKey);

    /// <summary>Tells <see cref="ProviderHealth"/> whether the provider is configured (shown by server-status).</summary>
    public void ReportConfiguration() => health.Configured(ProviderName, IsConfigured);

    /// <param name="transactionId">Our order id: unique, so the provider can spot a repeated inquiry.</param>
    public async Task<PanVerifierAnswer> VerifyAsync(PanQuery query, string transactionId, CancellationToken ct)
    {
        if (!IsConfigured) return PanVerifierAnswer.Failure(Catalogue.SystemError, null, "hyperverge: not configured");
        var url = BaseUrl!.TrimEnd('/') + "/" + Route;
        try
        {
            return await calls.RunAsync(ProviderName, Timeout, safeToRetry: false, async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url);
                request.Headers.TryAddWithoutValidation("appId", AppId);
                request.Headers.TryAddWithoutValidation("appKey", AppKey);
                request.Headers.TryAddWithoutValidation("transactionId", transactionId);
                request.Content = JsonContent.Create(query.ToUpstreamBody());
                using var response = await httpFactory.CreateClient(HttpClientName).SendAsync(request, token);
                var status = (int)response.StatusCode;
                var body = await ReadJsonAsync(response, token);
                // 5xx counts against the circuit; the catalogue message it carried is recovered below.
                if (status >= 500) throw new UpstreamServerError(status, Catalogue.Find(status, Text(body, "message")), RequestId(body));
                return Map(status, body);
            }, ct);
        }
        catch (ProviderUnavailableException e)
        {
            if (e.InnerException is UpstreamServerError { Error: { } error } server)
            {
                log.LogWarning("HyperVerge answered {Status} {Message} to {TransactionId}", server.Status, error.Message, transactionId);
                return PanVerifierAnswer.Failure(error, server.RequestId, $"hyperverge: {server.Status} {error.Message}");
            }
            log.LogWarning("HyperVerge unavailable for {TransactionId}: {Reason}", transactionId, e.Message);
            return PanVerifierAnswer.Failure(Catalogue.SystemError, null, Truncate("hyperverge: " + e.Message));
        }
    }

    private PanVerifierAnswer Map(int status, JsonElement? body)
    {
        var requestId = RequestId(body);
        if (status == 200 && body is { } ok && Text(ok, "status") == "success"
            && ok.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.Object && TryResult(r, out var result))
            return PanVerifierAnswer.Success(result, requestId);

        var error = Catalogue.Find(status, Text(body, "message"));
        if (error is not null && error != Catalogue.MissingCredentials && error != Catalogue.DuplicateTransactionId)
            return PanVerifierAnswer.Failure(error, requestId, $"hyperverge: {status} {error.Message}");

        // Our own account with the provider is at fault (or the answer is not the contract's): not the reseller's business.
        var reason = $"hyperverge: unexpected answer {status} {Truncate(Text(body, "message") ?? "(no message)", 120)}";
        health.Failed(ProviderName, reason, circuitOpen: false);
        log.LogError("HyperVerge gave an answer outside the contract's meaning for us: {Status} {Message}", status, Text(body, "message"));
        return PanVerifierAnswer.Failure(Catalogue.SystemError, requestId, reason);
    }

    private static bool TryResult(JsonElement r, out PanResult result)
    {
        result = null!;
        var pan = Text(r, "pan");
        var panStatus = Text(r, "panStatus");
        if (pan is null || panStatus is null) return false;
        result = new PanResult(pan, panStatus, Text(r, "name") ?? "", Text(r, "fathername") ?? "", Text(r, "dob") ?? "",
            Text(r, "seedingStatus") ?? "", Score(r, "nameMatchScore"), Score(r, "fatherNameMatchScore"));
        return true;
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Score(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;

    /// <summary>The provider's request id, capped to fit the order's ProviderRef column.</summary>
    private static string? RequestId(JsonElement? body) =>
        body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("metaData", out var m) && Text(m, "requestId") is { } id
            ? Truncate(id, 128)
            : null;

    private static string Truncate(string s, int max = 500) => s.Length <= max ? s : s[..max];

    /// <summary>A 5xx from the provider: an HttpRequestException so that the circuit breaker counts it.</summary>
    private sealed class UpstreamServerError(int status, CatalogueError? error, string? requestId)
        : HttpRequestException($"HyperVerge answered HTTP {status}")
    {
        public int Status { get; } = status;
        public CatalogueError? Error { get; } = error;
        public string? RequestId { get; } = requestId;
    }
}
