using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Inexopay.Tests.Features.Pan;

/// <summary>What arrived at a stub server: method, path, headers and the raw body.</summary>
public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body, string ContentType, int AnsweredWith)
{
    public bool IsWebhook => Headers.ContainsKey("webhook-id");
    public string Header(string name) => Headers.TryGetValue(name, out var v) ? v : "";
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>
/// A minimal Kestrel server on a loopback port, standing in for a reseller's site (its return_url receives both
/// the signed notifications and the applicant's browser) or for a misbehaving parent API.
/// </summary>
public sealed class StubHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, string> _pages = new();
    private readonly ConcurrentQueue<int> _webhookAnswers = new();
    private readonly Func<HttpContext, string, Task<IResult?>>? _handler;

    private StubHttpServer(WebApplication app, Func<HttpContext, string, Task<IResult?>>? handler)
    {
        _app = app;
        _handler = handler;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The reseller's return_url.</summary>
    public string CallbackUrl => new Uri(BaseAddress, "/callback").ToString();

    public IReadOnlyList<Received> All => _received.ToList();
    public IReadOnlyList<Received> Webhooks => _received.Where(r => r.IsWebhook).ToList();
    public IReadOnlyList<Received> BrowserReturns => _received.Where(r => !r.IsWebhook && r.Path == "/callback").ToList();

    /// <param name="handler">Answers a request itself when it returns a result (a fake parent API); null falls through.</param>
    public static async Task<StubHttpServer> StartAsync(Func<HttpContext, string, Task<IResult?>>? handler = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new StubHttpServer(app, handler);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub.BaseAddress = new Uri(address);
        return stub;
    }

    /// <summary>The next notifications are answered with these codes (then 200), e.g. 500 to simulate an outage.</summary>
    public void AnswerWebhooksWith(params int[] statusCodes)
    {
        foreach (var code in statusCodes) _webhookAnswers.Enqueue(code);
    }

    /// <summary>Serves <paramref name="html"/> at GET <paramref name="path"/> (a reseller page echoing our form).</summary>
    public void Serve(string path, string html) => _pages[path] = html;

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        if (_handler is not null && await _handler(http, body) is { } custom)
        {
            _received.Enqueue(new Received(path, Headers(http), body, http.Request.ContentType ?? "", 0));
            await custom.ExecuteAsync(http);
            return;
        }
        if (HttpMethods.IsGet(http.Request.Method) && _pages.TryGetValue(path, out var page))
        {
            await Results.Content(page, "text/html; charset=utf-8").ExecuteAsync(http);
            return;
        }

        var isWebhook = http.Request.Headers.ContainsKey("webhook-id");
        var status = isWebhook && _webhookAnswers.TryDequeue(out var code) ? code : 200;
        _received.Enqueue(new Received(path, Headers(http), body, http.Request.ContentType ?? "", status));
        http.Response.StatusCode = status;
        if (isWebhook) return;

        // The applicant's browser back at the shop: show what arrived.
        var form = System.Web.HttpUtility.ParseQueryString(body);
        var text = string.Join(" ", form.AllKeys.Select(k => $"{k}={form[k]}"));
        await Results.Content($"<!DOCTYPE html><html><body><h1>Shop return page</h1><p id=\"result\">{System.Net.WebUtility.HtmlEncode(text)}</p></body></html>",
            "text/html; charset=utf-8").ExecuteAsync(http);
    }

    private static Dictionary<string, string> Headers(HttpContext http) =>
        http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());

    /// <summary>Waits (bounded, generously) until something matching has arrived; the bound only stops a broken test from hanging.</summary>
    public async Task<Received> WaitForAsync(Func<Received, bool> match, string what, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            if (_received.FirstOrDefault(match) is { } hit) return hit;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Nothing arrived: {what}. Received: {_received.Count} requests.");
            await Task.Delay(25);
        }
    }

    public Task<Received> WaitForWebhookAsync(string type, string orderId, int timeoutSeconds = 30) =>
        WaitForAsync(r => r.IsWebhook && r.AnsweredWith is >= 200 and < 300 && r.Json.GetProperty("type").GetString() == type
                          && r.Json.GetProperty("order_id").GetString() == orderId, $"{type} for {orderId}", timeoutSeconds);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
