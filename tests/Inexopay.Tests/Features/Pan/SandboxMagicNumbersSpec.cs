using System.Net.Http.Json;
using System.Text.Json;
using Inexopay.Server.Features.Pan;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Features.Pan;

/// <summary>The sandbox's magic mobiles drive the lifecycle without a browser; failures are refunded exactly once.</summary>
public sealed class SandboxMagicNumbersSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task Mobile_9000000001_succeeds_at_once_and_returns_the_applicant_to_return_url(string provider)
    {
        var server = PanServers.For(provider);
        await using var shopSite = await StubHttpServer.StartAsync();
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();

        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, number: "9000000001", returnUrl: shopSite.CallbackUrl);

        Assert.Equal(shopSite.CallbackUrl, form.Action);
        Assert.Equal("1", form["txnStatus"]);
        Assert.Matches("^[0-9]{15}$", form["ackNo"]);
        Assert.Equal("", form["errorMsg"]);
        Assert.Equal(orderId, form["orderid"]);
        Assert.Equal("SUCCESS", form["status"]);
        Assert.Matches("^IXP", form["txnid"]);
        var (_, status) = await server.StatusAsync(shop.TestApiKey, shop.Username, orderId);
        Assert.Equal(("SUCCESS", form["ackNo"]), (status.Str("status"), status.Str("reference")));
        Assert.Equal(10_000_00 - 99_00, await server.BalancePaiseAsync(shop.TestApiKey, shop.Username));

        var succeeded = await shopSite.WaitForWebhookAsync("pan.application.succeeded", orderId);
        Assert.Equal(form["ackNo"], succeeded.Json.Str("reference"));
        await shopSite.WaitForWebhookAsync("pan.application.created", orderId);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Mobile_9000000002_fails_at_once_and_is_refunded_once(string provider)
    {
        var server = PanServers.For(provider);
        await using var shopSite = await StubHttpServer.StartAsync();
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();

        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, number: "9000000002", returnUrl: shopSite.CallbackUrl);

        Assert.Equal(("0", "", "FAILED"), (form["txnStatus"], form["ackNo"], form["status"]));
        Assert.Contains("rejected", form["errorMsg"]);
        var (_, status) = await server.StatusAsync(shop.TestApiKey, shop.Username, orderId);
        Assert.Equal("FAILED", status.Str("status"));
        Assert.True(status.GetProperty("refunded").GetBoolean());
        Assert.Equal("10000.00", status.GetProperty("balance").GetRawText());
        var ledger = await server.LedgerForOrderAsync(shop.Username, orderId);
        Assert.Equal([(LedgerKind.Charge, -99_00L), (LedgerKind.Refund, 99_00L)], ledger.Select(e => (e.Kind, e.AmountPaise)));

        var failed = await shopSite.WaitForWebhookAsync("pan.application.failed", orderId);
        Assert.True(failed.Json.GetProperty("refunded").GetBoolean());
        Assert.Equal("99.00", failed.Json.GetProperty("refund_amount").GetRawText());

        // Any later attempt to fail or complete it again changes nothing.
        var orderDbId = ledger[0].OrderId!.Value;
        await server.WithScopeAsync(async sp =>
        {
            var lifecycle = sp.GetRequiredService<PanLifecycle>();
            Assert.False((await lifecycle.FailAsync(orderDbId, "again", default))!.Changed);
            Assert.False((await lifecycle.SucceedAsync(orderDbId, "881234567890123", default))!.Changed);
            return 0;
        });
        Assert.Equal(2, (await server.LedgerForOrderAsync(shop.Username, orderId)).Count);
        Assert.Equal(10_000_00, await server.BalancePaiseAsync(shop.TestApiKey, shop.Username));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Mobile_9000000003_stays_incomplete_even_when_the_portal_is_asked_to_complete_it(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, number: "9000000003");

        using var page = await server.Http().PostAsync("/sandbox/protean/SpringBootFormHandling/newPanReq", form.AsContent());
        var html = await page.Content.ReadAsStringAsync();
        using var submit = await server.Http().PostAsync("/sandbox/protean/SpringBootFormHandling/submitApplication",
            new FormUrlEncodedContent([KeyValuePair.Create("req", form["req"]), KeyValuePair.Create("action", "complete")]));
        var back = AutoForm.Parse(await submit.Content.ReadAsStringAsync());

        Assert.Contains("always stays incomplete", html);
        Assert.Contains("id=\"complete\" name=\"action\" value=\"complete\" disabled", html);
        Assert.Equal(("PENDING", "0", ""), (back["status"], back["txnStatus"], back["ackNo"]));
        Assert.Equal("PENDING", (await server.StatusAsync(shop.TestApiKey, shop.Username, orderId)).Body.Str("status"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Abandoned_applications_are_failed_and_refunded_once_by_the_sweeper(string provider)
    {
        using var server = new InexopayServer(provider, PanServers.FastSettings(new Dictionary<string, string?> { ["Pan:AbandonAfterHours"] = "72" }));
        var shop = await server.CreateResellerAsync();
        var stuck = PanApi.NewOrderId();
        var done = PanApi.NewOrderId();
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, stuck, number: "9000000003");
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, done, number: "9000000001");
        var worker = server.Services.GetRequiredService<PanWorker>();

        var early = await worker.SweepAbandonedAsync(DateTime.UtcNow.AddHours(71), default);
        var late = await worker.SweepAbandonedAsync(DateTime.UtcNow.AddHours(73), default);
        var again = await worker.SweepAbandonedAsync(DateTime.UtcNow.AddHours(200), default);

        Assert.Equal((0, 1, 0), (early, late, again));
        var (_, status) = await server.StatusAsync(shop.TestApiKey, shop.Username, stuck);
        Assert.Equal("FAILED", status.Str("status"));
        Assert.True(status.GetProperty("refunded").GetBoolean());
        Assert.Equal("Application abandoned: not completed within 72 hours", status.Str("failure_reason"));
        Assert.Equal("SUCCESS", (await server.StatusAsync(shop.TestApiKey, shop.Username, done)).Body.Str("status"));
        Assert.Equal(2, (await server.LedgerForOrderAsync(shop.Username, stuck)).Count);
        Assert.Equal(10_000_00 - 99_00, await server.BalancePaiseAsync(shop.TestApiKey, shop.Username));
        var events = (await server.OutboxForOrderAsync(shop.Username, stuck)).Select(m => m.EventType);
        Assert.Equal(["pan.application.created", "pan.application.failed"], events);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_magic_numbers_are_published_in_the_sandbox_test_data(string provider)
    {
        var body = await PanServers.For(provider).Http().GetFromJsonAsync<JsonElement>("/api/sandbox/test-data.json");

        var section = body.GetProperty("pan_application");
        var numbers = section.GetProperty("mobile_numbers").EnumerateArray().Select(n => (n.Str("number"), n.Str("status"))).ToArray();
        Assert.Equal([("9000000001", "SUCCESS"), ("9000000002", "FAILED"), ("9000000003", "PENDING")], numbers);
        Assert.Equal(72, section.GetProperty("abandon_after_hours").GetDouble());
    }
}
