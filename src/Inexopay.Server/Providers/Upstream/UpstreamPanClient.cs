using System.Net;
using System.Text.Json;

namespace Inexopay.Server.Providers.Upstream;

/// <summary>
/// <c>Providers:Upstream:*</c> as the PAN connector reads it: an INEXOPAY-compatible parent API and our account there.
/// <c>WebhookSecret</c> (optional) is our account's <c>whsec_</c> secret at the parent, to check its notifications.
/// </summary>
public sealed record UpstreamPanSettings(Uri? BaseUrl, string? Username, string? ApiKey, TimeSpan Timeout, string? WebhookSecret)
{
    public bool Configured => BaseUrl is not null && !string.IsNullOrWhiteSpace(Username) && !string.IsNullOrWhiteSpace(ApiKey);

    public static UpstreamPanSettings From(IConfiguration config)
    {
        var s = config.GetSection("Providers:Upstream");
        Uri? baseUrl = null;
        if (s["BaseUrl"] is { Length: > 0 } text)
            baseUrl = Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
                ? u
                : throw new InvalidOperationException($"Providers:Upstream:BaseUrl '{text}' is not an absolute http(s) URL.");
        return new UpstreamPanSettings(baseUrl, s["Username"], s["ApiKey"], TimeSpan.FromSeconds(Math.Max(1, s.GetValue("TimeoutSeconds", 30.0))),
            s["WebhookSecret"] is { Length: > 0 } secret ? secret : null);
    }
}

/// <summary>What the parent answered to request_pan.php or incomplete.php.</summary>
public abstract record UpstreamPanForm
{
    /// <summary>The auto-submitting form to pass through to the applicant.</summary>
    public sealed record Accepted(string Html) : UpstreamPanForm;

    /// <summary>A definite refusal (4xx with the parent's message): nothing was created there.</summary>
    public sealed record Rejected(int StatusCode, string Message) : UpstreamPanForm;
}

/// <summary>What the parent's pan_status.php said.</summary>
public abstract record UpstreamPanStatus
{
    /// <param name="Status">PENDING, SUCCESS or FAILED.</param>
    public sealed record Known(string Status, string? Reference) : UpstreamPanStatus;

    public sealed record NotFound : UpstreamPanStatus;

    public sealed record Rejected(int StatusCode, string Message) : UpstreamPanStatus;
}

/// <summary>
/// The live PAN connector: our calls to the parent's <c>/api/nsdl-pan/v1/*</c> endpoints, through
/// <see cref="OutboundCalls"/> (timeout, circuit breaker "upstream"). Creating calls are never retried (a retry could
/// file and charge twice); status look-ups are. A 5xx or no answer throws <see cref="ProviderUnavailableException"/>:
/// the outcome is unknown and the caller must find out later, never assume.
/// </summary>
public sealed class UpstreamPanClient(IHttpClientFactory httpFactory, OutboundCalls calls, IConfiguration config, ProviderHealth health)
{
    public const string HttpClientName = "upstream-pan";
    private const string Provider = "upstream";

    public UpstreamPanSettings Settings { get; } = Report(UpstreamPanSettings.From(config), health);

    private static UpstreamPanSettings Report(UpstreamPanSettings settings, ProviderHealth health)
    {
        health.Configured(Provider, settings.Configured);
        return settings;
    }

    public async Task<UpstreamPanForm> RequestPanAsync(string orderId, string mobile, string panMode, string panType, string returnUrl,
        CancellationToken ct) =>
        await PostFormAsync("api/nsdl-pan/v1/request_pan.php", safeToRetry: false, ct,
            ("orderid", orderId), ("number", mobile), ("pan_mode", panMode), ("pan_type", panType), ("return_url", returnUrl));

    public async Task<UpstreamPanForm> ResumeAsync(string orderId, CancellationToken ct) =>
        await PostFormAsync("api/nsdl-pan/v1/incomplete.php", safeToRetry: true, ct, ("orderid", orderId));

    public Task<UpstreamPanStatus> StatusAsync(string orderId, CancellationToken ct) =>
        calls.RunAsync<UpstreamPanStatus>(Provider, Settings.Timeout, safeToRetry: true, async token =>
        {
            using var response = await SendAsync("api/nsdl-pan/v1/pan_status.php", [("orderid", orderId)], token);
            var (code, body) = (response.StatusCode, await response.Content.ReadAsStringAsync(token));
            if (code == HttpStatusCode.NotFound) return new UpstreamPanStatus.NotFound();
            if (!response.IsSuccessStatusCode) return new UpstreamPanStatus.Rejected((int)code, MessageOf(body));
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
                var reference = root.TryGetProperty("reference", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                return status is "PENDING" or "SUCCESS" or "FAILED"
                    ? new UpstreamPanStatus.Known(status, string.IsNullOrEmpty(reference) ? null : reference)
                    : throw new HttpRequestException($"upstream pan_status answered an unknown status '{status}'");
            }
            catch (JsonException e)
            {
                throw new HttpRequestException("upstream pan_status answered something that is not JSON", e);
            }
        }, ct);

    private Task<UpstreamPanForm> PostFormAsync(string path, bool safeToRetry, CancellationToken ct, params (string, string)[] fields) =>
        calls.RunAsync<UpstreamPanForm>(Provider, Settings.Timeout, safeToRetry, async token =>
        {
            using var response = await SendAsync(path, fields, token);
            var body = await response.Content.ReadAsStringAsync(token);
            if (response.IsSuccessStatusCode) return new UpstreamPanForm.Accepted(body);
            // 409 would mean the parent already holds this order id: not a refusal we may refund on.
            if ((int)response.StatusCode is >= 400 and < 500 and not 409 and not 408 and not 429)
                return new UpstreamPanForm.Rejected((int)response.StatusCode, MessageOf(body));
            throw new HttpRequestException($"upstream {path} answered HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }, ct);

    private async Task<HttpResponseMessage> SendAsync(string path, IEnumerable<(string, string)> fields, CancellationToken ct)
    {
        if (!Settings.Configured) throw new InvalidOperationException("Providers:Upstream is not configured.");
        var form = new List<KeyValuePair<string, string>> { new("api_key", Settings.ApiKey!), new("username", Settings.Username!) };
        form.AddRange(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)));
        var http = httpFactory.CreateClient(HttpClientName);
        var response = await http.PostAsync(new Uri(Settings.BaseUrl!, path), new FormUrlEncodedContent(form), ct);
        if ((int)response.StatusCode >= 500)
        {
            response.Dispose();
            throw new HttpRequestException($"upstream {path} answered HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }
        return response;
    }

    private static string MessageOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) return m.GetString()!;
        }
        catch (JsonException)
        {
        }
        return body.Length > 200 ? body[..200] : body;
    }
}
