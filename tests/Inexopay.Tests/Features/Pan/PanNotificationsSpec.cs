using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Storage;
using Inexopay.Server.Webhooks;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Features.Pan;

/// <summary>Status-change notifications: Standard Webhooks signatures, retries, refusal of private targets, several nodes.</summary>
public sealed class PanNotificationsSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task Every_status_change_is_notified_signed_with_the_resellers_secret(string provider)
    {
        var server = PanServers.For(provider);
        await using var shopSite = await StubHttpServer.StartAsync();
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, returnUrl: shopSite.CallbackUrl);

        var created = await shopSite.WaitForWebhookAsync("pan.application.created", orderId);
        using (await server.Http().PostAsync("/sandbox/protean/SpringBootFormHandling/submitApplication",
                   new FormUrlEncodedContent([KeyValuePair.Create("req", form["req"]), KeyValuePair.Create("action", "complete")]))) { }
        var succeeded = await shopSite.WaitForWebhookAsync("pan.application.succeeded", orderId);

        foreach (var webhook in new[] { created, succeeded })
        {
            IndependentWebhookCheck.AssertSigned(webhook, shop.WebhookSecret);
            Assert.StartsWith("application/json", webhook.ContentType);
            Assert.Equal("/callback", webhook.Path);
        }
        Assert.NotEqual(created.Header("webhook-id"), succeeded.Header("webhook-id"));
        Assert.Equal("PENDING", created.Json.Str("status"));
        var body = succeeded.Json;
        Assert.Equal(("SUCCESS", orderId, "99.00", "EKYC", "new_pan", "test"),
            (body.Str("status"), body.Str("order_id"), body.GetProperty("amount").GetRawText(), body.Str("pan_mode"), body.Str("pan_type"), body.Str("mode")));
        Assert.Matches("^[0-9]{15}$", body.Str("reference"));
        Assert.False(body.GetProperty("refunded").GetBoolean());

        // A body signed for another reseller, or altered, does not verify.
        var other = await server.CreateResellerAsync();
        Assert.ThrowsAny<Exception>(() => IndependentWebhookCheck.AssertSigned(succeeded, other.WebhookSecret));
        Assert.ThrowsAny<Exception>(() => IndependentWebhookCheck.AssertSigned(succeeded with { Body = succeeded.Body.Replace("SUCCESS", "FAILED") }, shop.WebhookSecret));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_receiver_outage_is_retried_with_the_same_message_id_until_a_2xx(string provider)
    {
        var server = PanServers.For(provider);
        await using var shopSite = await StubHttpServer.StartAsync();
        shopSite.AnswerWebhooksWith(500, 503);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();

        await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, number: "9000000002", returnUrl: shopSite.CallbackUrl);
        await shopSite.WaitForWebhookAsync("pan.application.failed", orderId);
        await shopSite.WaitForWebhookAsync("pan.application.created", orderId);

        var deliveries = shopSite.Webhooks;
        Assert.Equal([500, 503], deliveries.Take(2).Select(d => d.AnsweredWith));
        // Whichever message met the outage was sent again under the same webhook-id and then accepted.
        foreach (var failedId in deliveries.Take(2).Select(d => d.Header("webhook-id")))
            Assert.Contains(deliveries, d => d.Header("webhook-id") == failedId && d.AnsweredWith == 200);
        foreach (var d in deliveries) IndependentWebhookCheck.AssertSigned(d, shop.WebhookSecret);

        // The receiver sees the request a moment before the dispatcher records the answer.
        await WaitForOutboxAsync(server, shop.Username, orderId, m => m.Status == OutboxStatus.Delivered, count: 2);
        var messages = await server.OutboxForOrderAsync(shop.Username, orderId);
        var attempts = await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<InexopayDb>();
            var ids = messages.Select(m => m.Id).ToList();
            return await db.WebhookAttempts.Where(a => ids.Contains(a.OutboxMessageId)).OrderBy(a => a.Id).ToListAsync();
        });
        Assert.Equal(4, attempts.Count);
        Assert.Equal(2, attempts.Count(a => a.ResponseStatus == 200));
        Assert.Equal(messages.Sum(m => m.Attempts), attempts.Count);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_message_whose_retries_run_out_is_dead_and_410_stops_at_once(string provider)
    {
        var server = PanServers.For(provider);
        await using var shopSite = await StubHttpServer.StartAsync();
        shopSite.AnswerWebhooksWith(410);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, returnUrl: shopSite.CallbackUrl);
        var nowhere = PanApi.NewOrderId();
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, nowhere, returnUrl: PanServers.NowhereUrl);

        var gone = await WaitForOutboxAsync(server, shop.Username, orderId, m => m.Status != OutboxStatus.Pending);
        var unreachable = await WaitForOutboxAsync(server, shop.Username, nowhere, m => m.Status != OutboxStatus.Pending);

        Assert.Equal((OutboxStatus.Dead, 1), (gone.Status, gone.Attempts));
        // FastSettings: three retries after the first attempt.
        Assert.Equal((OutboxStatus.Dead, 4), (unreachable.Status, unreachable.Attempts));
        Assert.Null(unreachable.DeliveredAt);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Private_and_loopback_targets_are_refused_unless_allowed(string provider)
    {
        using var server = new InexopayServer(provider, PanServers.FastSettings(new Dictionary<string, string?> { ["Webhooks:AllowPrivateTargets"] = "false" }));
        await using var shopSite = await StubHttpServer.StartAsync();
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, returnUrl: shopSite.CallbackUrl);
        var byName = PanApi.NewOrderId();
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, byName, returnUrl: $"http://localhost:{shopSite.BaseAddress.Port}/callback");

        var message = await WaitForOutboxAsync(server, shop.Username, orderId, m => m.Status == OutboxStatus.Dead);
        await WaitForOutboxAsync(server, shop.Username, byName, m => m.Status == OutboxStatus.Dead);

        Assert.Empty(shopSite.All);
        var errors = await server.WithScopeAsync(sp => sp.GetRequiredService<InexopayDb>().WebhookAttempts
            .Where(a => a.OutboxMessageId == message.Id).Select(a => a.Error).ToListAsync());
        Assert.All(errors, e => Assert.StartsWith("refused: target address 127.0.0.1 is not public", e));
        Assert.False(TargetGuard.IsPublic(System.Net.IPAddress.Parse("169.254.169.254")));
        Assert.False(TargetGuard.IsPublic(System.Net.IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.False(TargetGuard.IsPublic(System.Net.IPAddress.Parse("fd00::1")));
        Assert.True(TargetGuard.IsPublic(System.Net.IPAddress.Parse("8.8.8.8")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Two_nodes_on_one_database_deliver_each_message_exactly_once(string provider)
    {
        using var first = new InexopayServer(provider, PanServers.FastSettings());
        using var second = new AnotherNode(first.Configuration);
        await using var shopSite = await StubHttpServer.StartAsync();
        var shop = await first.CreateResellerAsync();

        var orders = Enumerable.Range(0, 12).Select(_ => PanApi.NewOrderId()).ToList();
        await Task.WhenAll(orders.Select((o, i) => (i % 2 == 0 ? first.Http() : second.Http())
            .RequestFormAsync(shop.TestApiKey, shop.Username, o, number: "9000000001", returnUrl: shopSite.CallbackUrl)));
        foreach (var o in orders) await shopSite.WaitForWebhookAsync("pan.application.succeeded", o);
        foreach (var o in orders) await shopSite.WaitForWebhookAsync("pan.application.created", o);
        // Let both nodes finish a round each, so a second delivery would have happened by now.
        await first.Services.GetRequiredService<WebhookDispatcher>().DispatchDueAsync(default);
        await second.Services.GetRequiredService<WebhookDispatcher>().DispatchDueAsync(default);

        var perMessage = shopSite.Webhooks.GroupBy(w => w.Header("webhook-id")).ToList();
        Assert.Equal(24, perMessage.Count);
        Assert.All(perMessage, g => Assert.Single(g));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_live_claim_is_respected_and_an_expired_one_is_taken_over(string provider)
    {
        using var server = new InexopayServer(provider, PanServers.FastSettings());
        await using var shopSite = await StubHttpServer.StartAsync();
        var shop = await server.CreateResellerAsync();
        var now = DateTime.UtcNow;
        var (held, orphaned) = await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<InexopayDb>();
            var resellerId = await db.Resellers.Where(r => r.Username == shop.Username).Select(r => r.Id).SingleAsync();
            var payload = new Dictionary<string, object?> { ["type"] = "test.claim" };
            var a = WebhookOutbox.Enqueue(db, resellerId, null, "test.claim", shopSite.CallbackUrl, payload, now);
            a.ClaimedBy = "busy-node";
            a.ClaimedUntil = now.AddHours(1);
            var b = WebhookOutbox.Enqueue(db, resellerId, null, "test.claim", shopSite.CallbackUrl, payload, now);
            b.ClaimedBy = "dead-node";
            b.ClaimedUntil = now.AddMinutes(-1);
            await db.SaveChangesAsync();
            return (a.MessageId, b.MessageId);
        });

        await shopSite.WaitForAsync(r => r.Header("webhook-id") == orphaned, "the orphaned message");
        await server.Services.GetRequiredService<WebhookDispatcher>().DispatchDueAsync(default);

        Assert.DoesNotContain(shopSite.Webhooks, w => w.Header("webhook-id") == held);
        var stillHeld = await server.WithScopeAsync(sp => sp.GetRequiredService<InexopayDb>().Outbox.SingleAsync(m => m.MessageId == held));
        Assert.Equal(("busy-node", OutboxStatus.Pending, 0), (stillHeld.ClaimedBy, stillHeld.Status, stillHeld.Attempts));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Delivery_continues_after_a_restart_from_what_the_database_holds(string provider)
    {
        await using var shopSite = await StubHttpServer.StartAsync();
        shopSite.AnswerWebhooksWith(500, 500);
        var orderId = PanApi.NewOrderId();
        IReadOnlyDictionary<string, string?> installation;
        string connection;
        CreatedReseller shop;
        using (var before = new InexopayServer(provider, PanServers.FastSettings(new Dictionary<string, string?> { ["Webhooks:RetryDelaysSeconds"] = "3600,3600" })))
        {
            installation = before.Configuration;
            connection = before.Configuration["ConnectionStrings:Default"]!;
            shop = await before.CreateResellerAsync();
            await before.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, number: "9000000001", returnUrl: shopSite.CallbackUrl);
            await WaitForOutboxAsync(before, shop.Username, orderId, m => m.Attempts == 1, count: 2);
        }
        // Pretend the hour has passed while the node was down.
        await using (var db = new InexopayDb(DatabaseSetup.Options(new ConfigurationBuilder()
                         .AddInMemoryCollection(new Dictionary<string, string?>
                         {
                             ["Database:Provider"] = provider == TestDatabases.Sqlite ? "Sqlite" : "Postgres", ["ConnectionStrings:Default"] = connection,
                         }).Build())))
            await db.Outbox.ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, DateTime.UtcNow.AddSeconds(-1)));

        using var after = new AnotherNode(installation, new Dictionary<string, string?> { ["Webhooks:RetryDelaysSeconds"] = "0.3" });
        var delivered = await WaitForOutboxAsync(after.Services, shop.Username, orderId, m => m.Status == OutboxStatus.Delivered, count: 2);

        Assert.Equal(2, delivered.Attempts);
        var ids = shopSite.Webhooks.GroupBy(w => w.Header("webhook-id")).ToList();
        Assert.Equal(2, ids.Count);
        Assert.All(ids, g => Assert.Equal([500, 200], g.Select(w => w.AnsweredWith)));
    }

    /// <summary>Waits until every one of the order's <paramref name="count"/> messages matches; returns the first.</summary>
    private static Task<OutboxMessage> WaitForOutboxAsync(InexopayServer server, string username, string orderId, Func<OutboxMessage, bool> match,
        int count = 1) => WaitForOutboxAsync(server.Services, username, orderId, match, count);

    private static async Task<OutboxMessage> WaitForOutboxAsync(IServiceProvider server, string username, string orderId, Func<OutboxMessage, bool> match,
        int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var messages = await server.OutboxForOrderAsync(username, orderId);
            if (messages.Count >= count && messages.All(match)) return messages[0];
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"outbox for {orderId}: {string.Join(", ", messages.Select(m => $"{m.EventType}:{m.Status}/{m.Attempts}"))}");
            await Task.Delay(25);
        }
    }
}
