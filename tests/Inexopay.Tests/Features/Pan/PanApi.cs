using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Features.Pan;

/// <summary>An auto-submitting form as a browser would read it.</summary>
public sealed record AutoForm(string Action, IReadOnlyDictionary<string, string> Fields, IHtmlDocument Document)
{
    public string this[string name] => Fields[name];

    public static AutoForm Parse(string html)
    {
        var doc = new HtmlParser().ParseDocument(html);
        var form = Assert.Single(doc.Forms);
        Assert.Equal("post", form.Method, ignoreCase: true);
        Assert.Equal("document.forms[0].submit()", doc.Body!.GetAttribute("onload"));
        var fields = form.Elements.OfType<IHtmlInputElement>().Where(i => i.Type == "hidden").ToDictionary(i => i.Name!, i => i.Value);
        return new AutoForm(form.GetAttribute("action")!, fields, doc);
    }

    public FormUrlEncodedContent AsContent() => new(Fields);
}

/// <summary>The PAN endpoints as a reseller calls them.</summary>
public static class PanApi
{
    public const string Request = "/api/nsdl-pan/v1/request_pan.php";
    public const string Status = "/api/nsdl-pan/v1/pan_status.php";
    public const string Incomplete = "/api/nsdl-pan/v1/incomplete.php";

    public static string NewOrderId() => "ORD" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    public static (string, string)[] RequestFields(string apiKey, string username, string orderId, string number = "9876543210",
        string panMode = "EKYC", string panType = "new_pan", string returnUrl = PanServers.NowhereUrl) =>
        [("api_key", apiKey), ("username", username), ("orderid", orderId), ("pan_mode", panMode), ("pan_type", panType), ("number", number),
            ("return_url", returnUrl)];

    public static async Task<HttpResponseMessage> RequestAsync(this InexopayServer server, string apiKey, string username, string orderId,
        string number = "9876543210", string panMode = "EKYC", string panType = "new_pan", string returnUrl = PanServers.NowhereUrl) =>
        await server.Http().PostFormAsync(Request, RequestFields(apiKey, username, orderId, number, panMode, panType, returnUrl));

    /// <summary>request_pan.php that must succeed: the auto-submit form it answered.</summary>
    public static Task<AutoForm> RequestFormAsync(this InexopayServer server, string apiKey, string username, string orderId,
        string number = "9876543210", string panMode = "EKYC", string panType = "new_pan", string returnUrl = PanServers.NowhereUrl) =>
        server.Http().RequestFormAsync(apiKey, username, orderId, number, panMode, panType, returnUrl);

    public static async Task<AutoForm> RequestFormAsync(this HttpClient http, string apiKey, string username, string orderId,
        string number = "9876543210", string panMode = "EKYC", string panType = "new_pan", string returnUrl = PanServers.NowhereUrl)
    {
        using var response = await http.PostFormAsync(Request, RequestFields(apiKey, username, orderId, number, panMode, panType, returnUrl));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(200 == (int)response.StatusCode, $"request_pan answered {(int)response.StatusCode}: {html}");
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return AutoForm.Parse(html);
    }

    public static Task<(int Status, JsonElement Body)> StatusAsync(this InexopayServer server, string apiKey, string username, string orderId) =>
        server.Http().PostFormJsonAsync(Status, ("api_key", apiKey), ("username", username), ("orderid", orderId));

    /// <summary>Polls pan_status.php until the application leaves PENDING (bounded; the bound only stops a broken test).</summary>
    public static async Task<JsonElement> WaitForFinalStatusAsync(this InexopayServer server, string apiKey, string username, string orderId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (status, body) = await server.StatusAsync(apiKey, username, orderId);
            Assert.Equal(200, status);
            if (body.Str("status") != "PENDING") return body;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"{orderId} is still PENDING");
            await Task.Delay(50);
        }
    }

    public static async Task<long> BalancePaiseAsync(this InexopayServer server, string apiKey, string username)
    {
        var (status, body) = await server.Http().PostFormJsonAsync("/api/balance.php", ("api_key", apiKey), ("username", username));
        Assert.Equal(200, status);
        return (long)(body.GetProperty("balance").GetDecimal() * 100);
    }

    public static Task<List<LedgerEntry>> LedgerForOrderAsync(this InexopayServer server, string username, string orderRef) =>
        server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<InexopayDb>();
            var orderIds = await db.Orders.Join(db.Resellers, o => o.ResellerId, r => r.Id, (o, r) => new { o, r })
                .Where(x => x.r.Username == username && x.o.OrderRef == orderRef).Select(x => x.o.Id).ToListAsync();
            return await db.LedgerEntries.Where(e => e.OrderId != null && orderIds.Contains(e.OrderId.Value)).OrderBy(e => e.Id).ToListAsync();
        });

    public static Task<int> OrderCountAsync(this InexopayServer server, string username) =>
        server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<InexopayDb>();
            return await db.Orders.Join(db.Resellers, o => o.ResellerId, r => r.Id, (o, r) => r.Username).CountAsync(u => u == username);
        });

    public static Task<List<OutboxMessage>> OutboxForOrderAsync(this InexopayServer server, string username, string orderRef) =>
        server.Services.OutboxForOrderAsync(username, orderRef);

    public static async Task<List<OutboxMessage>> OutboxForOrderAsync(this IServiceProvider services, string username, string orderRef)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
        return await db.Outbox.Join(db.Orders, m => m.OrderId, o => o.Id, (m, o) => new { m, o })
                .Join(db.Resellers, x => x.o.ResellerId, r => r.Id, (x, r) => new { x.m, x.o, r })
                .Where(x => x.r.Username == username && x.o.OrderRef == orderRef).OrderBy(x => x.m.Id).Select(x => x.m).ToListAsync();
    }

    public static JsonElement DecodeEnvelope(string req, out JsonElement inner, out JsonElement formData)
    {
        var root = JsonDocument.Parse(req).RootElement.Clone();
        inner = root.TryGetProperty("reqEntityData", out var d) ? d : root.GetProperty("incompleteData");
        formData = inner.TryGetProperty("formData", out var f)
            ? JsonDocument.Parse(Convert.FromBase64String(f.GetString()!)).RootElement.Clone()
            : default;
        return root;
    }
}
