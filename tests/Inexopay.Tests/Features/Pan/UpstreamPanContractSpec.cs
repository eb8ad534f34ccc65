using System.Text;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Features.Pan;
using Inexopay.Server.Storage;
using Inexopay.Server.Webhooks;
using Inexopay.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Features.Pan;

/// <summary>
/// The live connector against a real parent: a second Inexopay server whose sandbox (our account's test key there)
/// is deterministic through the magic mobiles. Our reseller uses a live key on the child.
/// </summary>
public sealed class UpstreamPanContractSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private sealed class Pair : IAsyncDisposable
    {
        public required InexopayServer Parent { get; init; }
        public required CreatedReseller AccountAtParent { get; init; }
        public required InexopayServer Child { get; init; }
        public required CreatedReseller Shop { get; init; }
        public required StubHttpServer ShopSite { get; init; }

        public static async Task<Pair> StartAsync(string provider, Func<CreatedReseller, Uri, Dictionary<string, string?>>? upstream = null)
        {
            var parent = new InexopayServer(provider, PanServers.FastSettings());
            var account = await parent.CreateResellerAsync();
            var settings = upstream?.Invoke(account, parent.BaseAddress) ?? new Dictionary<string, string?>
            {
                ["Providers:Upstream:BaseUrl"] = parent.BaseAddress.ToString(),
                ["Providers:Upstream:Username"] = account.Username,
                ["Providers:Upstream:ApiKey"] = account.TestApiKey,
                ["Providers:Upstream:WebhookSecret"] = account.WebhookSecret,
                ["Providers:Upstream:TimeoutSeconds"] = "10",
            };
            settings["Pan:WorkerIntervalSeconds"] = "3600"; // tests drive polling themselves, except via the parent's notifications
            settings["Pan:UpstreamPollSeconds"] = "1";
            var child = new InexopayServer(provider, PanServers.FastSettings(settings));
            return new Pair
            {
                Parent = parent, AccountAtParent = account, Child = child,
                Shop = await child.CreateResellerAsync(liveCreditPaise: 1_000_00), ShopSite = await StubHttpServer.StartAsync(),
            };
        }

        public string CallbackUrl => new Uri(Child.BaseAddress, PanEndpoints.UpstreamCallbackPath).ToString();

        public async ValueTask DisposeAsync()
        {
            await ShopSite.DisposeAsync();
            Child.Dispose();
            Parent.Dispose();
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_live_application_is_filed_at_the_parent_and_its_success_flows_back(string provider)
    {
        await using var pair = await Pair.StartAsync(provider);
        var orderId = PanApi.NewOrderId();

        // The parent's sandbox completes 9000000001 at once and answers with its form back to our callback.
        var passedThrough = await pair.Child.RequestFormAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId, number: "9000000001",
            returnUrl: pair.ShopSite.CallbackUrl);
        Assert.Equal(pair.CallbackUrl, passedThrough.Action);
        Assert.Equal("SUCCESS", passedThrough["status"]);

        // The parent's signed notification makes the child ask pan_status and finish; the shop is notified by the child.
        var final = await pair.Child.WaitForFinalStatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId);
        Assert.Equal("SUCCESS", final.Str("status"));
        Assert.Equal(passedThrough["ackNo"], final.Str("reference"));
        var atParent = await pair.Parent.StatusAsync(pair.AccountAtParent.TestApiKey, pair.AccountAtParent.Username, final.Str("txnid"));
        Assert.Equal(("SUCCESS", final.Str("reference")), (atParent.Body.Str("status"), atParent.Body.Str("reference")));
        var notified = await pair.ShopSite.WaitForWebhookAsync("pan.application.succeeded", orderId);
        IndependentWebhookCheck.AssertSigned(notified, pair.Shop.WebhookSecret);
        Assert.Equal("live", notified.Json.Str("mode"));
        Assert.Equal(1_000_00 - 99_00, await pair.Child.BalancePaiseAsync(pair.Shop.LiveApiKey, pair.Shop.Username));

        // The applicant's browser, following the parent's form, lands on our callback and is sent on to the shop.
        using var browser = await pair.Child.Http().PostAsync(PanEndpoints.UpstreamCallbackPath, passedThrough.AsContent());
        var toShop = AutoForm.Parse(await browser.Content.ReadAsStringAsync());
        Assert.Equal(pair.ShopSite.CallbackUrl, toShop.Action);
        Assert.Equal((orderId, "SUCCESS", "1", final.Str("reference")), (toShop["orderid"], toShop["status"], toShop["txnStatus"], toShop["ackNo"]));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_failure_at_the_parent_fails_the_application_and_refunds_the_shop_once(string provider)
    {
        await using var pair = await Pair.StartAsync(provider);
        var orderId = PanApi.NewOrderId();

        await pair.Child.RequestFormAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId, number: "9000000002", returnUrl: pair.ShopSite.CallbackUrl);
        var final = await pair.Child.WaitForFinalStatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId);
        // A poll after the notification finds nothing more to do.
        await pair.Child.Services.GetRequiredService<PanWorker>().PollUpstreamAsync(DateTime.UtcNow.AddHours(1), default);

        Assert.Equal("FAILED", final.Str("status"));
        Assert.True(final.GetProperty("refunded").GetBoolean());
        Assert.Equal([LedgerKind.Charge, LedgerKind.Refund], (await pair.Child.LedgerForOrderAsync(pair.Shop.Username, orderId)).Select(e => e.Kind));
        Assert.Equal(1_000_00, await pair.Child.BalancePaiseAsync(pair.Shop.LiveApiKey, pair.Shop.Username));
        await pair.ShopSite.WaitForWebhookAsync("pan.application.failed", orderId);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_pending_live_application_resumes_through_the_parent_and_is_polled_to_completion(string provider)
    {
        await using var pair = await Pair.StartAsync(provider);
        var orderId = PanApi.NewOrderId();
        var form = await pair.Child.RequestFormAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId, number: "9000000003");
        Assert.Equal(new Uri(pair.Parent.BaseAddress, "/sandbox/protean/SpringBootFormHandling/newPanReq").ToString(), form.Action);

        using var resume = await pair.Child.Http().PostFormAsync(PanApi.Incomplete, ("api_key", pair.Shop.LiveApiKey), ("username", pair.Shop.Username),
            ("orderid", orderId));
        var resumeForm = AutoForm.Parse(await resume.Content.ReadAsStringAsync());
        Assert.Equal(new Uri(pair.Parent.BaseAddress, "/sandbox/protean/SpringBootFormHandling/incompleteApplication").ToString(), resumeForm.Action);

        // Still pending at the parent: polling changes nothing. Once the parent's sweeper abandons it, the poll fails it here.
        var worker = pair.Child.Services.GetRequiredService<PanWorker>();
        Assert.Equal(1, await worker.PollUpstreamAsync(DateTime.UtcNow.AddMinutes(1), default));
        Assert.Equal("PENDING", (await pair.Child.StatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId)).Body.Str("status"));
        Assert.Equal(1, await pair.Parent.Services.GetRequiredService<PanWorker>().SweepAbandonedAsync(DateTime.UtcNow.AddHours(73), default));
        await worker.PollUpstreamAsync(DateTime.UtcNow.AddMinutes(3), default);
        var (_, status) = await pair.Child.StatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId);
        Assert.Equal(("FAILED", true), (status.Str("status"), status.GetProperty("refunded").GetBoolean()));
        // The child never times live applications out itself: its own sweeper leaves them to the parent.
        Assert.Equal(0, await worker.SweepAbandonedAsync(DateTime.UtcNow.AddHours(500), default));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_parents_signed_notification_is_acted_on_even_right_after_a_poll_saw_pending(string provider)
    {
        await using var pair = await Pair.StartAsync(provider);
        var orderId = PanApi.NewOrderId();
        await pair.Child.RequestFormAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId, number: "9000000003", returnUrl: pair.ShopSite.CallbackUrl);
        // A poll has just seen PENDING (stamped a little in the future, so any throttle would certainly apply).
        Assert.Equal(1, await pair.Child.Services.GetRequiredService<PanWorker>().PollUpstreamAsync(DateTime.UtcNow.AddSeconds(5), default));

        // The parent fails it; its notification is the only thing that can tell the child (the child's poller is idle).
        Assert.Equal(1, await pair.Parent.Services.GetRequiredService<PanWorker>().SweepAbandonedAsync(DateTime.UtcNow.AddHours(73), default));

        var final = await pair.Child.WaitForFinalStatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId);
        Assert.Equal(("FAILED", true), (final.Str("status"), final.GetProperty("refunded").GetBoolean()));
        await pair.ShopSite.WaitForWebhookAsync("pan.application.failed", orderId);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_refusal_by_the_parent_refunds_at_once(string provider)
    {
        await using var pair = await Pair.StartAsync(provider, (account, parent) => new Dictionary<string, string?>
        {
            ["Providers:Upstream:BaseUrl"] = parent.ToString(),
            ["Providers:Upstream:Username"] = account.Username,
            ["Providers:Upstream:ApiKey"] = account.TestApiKey[..^2] + "xx", // the parent answers 401
        });
        var orderId = PanApi.NewOrderId();

        var (status, body) = await pair.Child.RequestAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId).ReadJsonAsync();

        Assert.Equal(502, status);
        Assert.Equal("The PAN service provider refused the application. The fee has been refunded.", body.Str("message"));
        Assert.True(body.GetProperty("refunded").GetBoolean());
        Assert.Equal("1000.00", body.GetProperty("balance").GetRawText());
        Assert.Equal("FAILED", (await pair.Child.StatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId)).Body.Str("status"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_unanswered_request_stays_pending_and_is_refunded_once_the_parent_is_known_not_to_have_it(string provider)
    {
        // A parent that breaks while filing (HTTP 500: the outcome is unknown) and then does not know the order.
        var requests = 0;
        await using var brokenParent = await StubHttpServer.StartAsync((http, _) => Task.FromResult<IResult?>(
            http.Request.Path.Value!.EndsWith("request_pan.php") ? Increment(ref requests, Results.StatusCode(500))
            : Results.Json(new { status_code = 404, status = "FAILED", message = "No PAN application found with this Order ID" }, statusCode: 404)));
        await using var pair = await Pair.StartAsync(provider, (_, _) => new Dictionary<string, string?>
        {
            ["Providers:Upstream:BaseUrl"] = brokenParent.BaseAddress.ToString(),
            ["Providers:Upstream:Username"] = "child",
            ["Providers:Upstream:ApiKey"] = "ixp_test_whatever",
            ["Pan:UpstreamNotFoundGraceMinutes"] = "15",
        });
        var orderId = PanApi.NewOrderId();

        var (status, body) = await pair.Child.RequestAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId).ReadJsonAsync();
        Assert.Equal(502, status);
        Assert.Equal("PENDING", body.Str("application_status"));
        Assert.Equal(1, requests); // a creating call is never retried
        Assert.Equal(1_000_00 - 99_00, await pair.Child.BalancePaiseAsync(pair.Shop.LiveApiKey, pair.Shop.Username));

        var worker = pair.Child.Services.GetRequiredService<PanWorker>();
        await worker.PollUpstreamAsync(DateTime.UtcNow.AddMinutes(5), default); // within the grace: the parent may still commit it
        Assert.Equal("PENDING", (await pair.Child.StatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId)).Body.Str("status"));
        await worker.PollUpstreamAsync(DateTime.UtcNow.AddMinutes(16), default);
        await worker.PollUpstreamAsync(DateTime.UtcNow.AddMinutes(30), default);

        var (_, final) = await pair.Child.StatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId);
        Assert.Equal(("FAILED", "The application was not created at the provider"), (final.Str("status"), final.Str("failure_reason")));
        Assert.Equal(2, (await pair.Child.LedgerForOrderAsync(pair.Shop.Username, orderId)).Count);
        Assert.Equal(1_000_00, await pair.Child.BalancePaiseAsync(pair.Shop.LiveApiKey, pair.Shop.Username));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_unreachable_parent_files_nothing_and_refunds_at_once(string provider)
    {
        await using var pair = await Pair.StartAsync(provider, (_, _) => new Dictionary<string, string?>
        {
            ["Providers:Upstream:BaseUrl"] = "http://127.0.0.1:9/", // nothing listens: the connection is refused
            ["Providers:Upstream:Username"] = "child",
            ["Providers:Upstream:ApiKey"] = "ixp_test_whatever",
        });
        var orderId = PanApi.NewOrderId();

        var (status, body) = await pair.Child.RequestAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId).ReadJsonAsync();

        Assert.Equal(503, status);
        Assert.StartsWith("The PAN service provider is unreachable", body.Str("message"));
        Assert.Equal(("FAILED", true), (body.Str("application_status"), body.GetProperty("refunded").GetBoolean()));
        Assert.Equal(1_000_00, await pair.Child.BalancePaiseAsync(pair.Shop.LiveApiKey, pair.Shop.Username));
        Assert.Equal("FAILED", (await pair.Child.StatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId)).Body.Str("status"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Notifications_at_the_callback_must_carry_the_parents_signature(string provider)
    {
        await using var pair = await Pair.StartAsync(provider);
        var orderId = PanApi.NewOrderId();
        await pair.Child.RequestFormAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId, number: "9000000003");
        var txnId = (await pair.Child.StatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId)).Body.Str("txnid");
        var body = $$"""{"type":"pan.application.succeeded","order_id":"{{txnId}}","status":"SUCCESS","reference":"881111111111111"}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var forged = new HttpRequestMessage(HttpMethod.Post, PanEndpoints.UpstreamCallbackPath) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        forged.Headers.Add("webhook-id", "msg_forged");
        forged.Headers.Add("webhook-timestamp", timestamp.ToString());
        forged.Headers.Add("webhook-signature", StandardWebhooks.Sign(pair.Shop.WebhookSecret, "msg_forged", timestamp, body)); // wrong secret
        using var response = await pair.Child.Http().SendAsync(forged);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("PENDING", (await pair.Child.StatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId)).Body.Str("status"));

        // Even a correctly signed notification is only a prompt: the parent still says PENDING, so it stays PENDING.
        using var genuine = new HttpRequestMessage(HttpMethod.Post, PanEndpoints.UpstreamCallbackPath) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        genuine.Headers.Add("webhook-id", "msg_genuine");
        genuine.Headers.Add("webhook-timestamp", timestamp.ToString());
        genuine.Headers.Add("webhook-signature", StandardWebhooks.Sign(pair.AccountAtParent.WebhookSecret, "msg_genuine", timestamp, body));
        using var accepted = await pair.Child.Http().SendAsync(genuine);
        Assert.Equal(200, (int)accepted.StatusCode);
        Assert.Equal("PENDING", (await pair.Child.StatusAsync(pair.Shop.LiveApiKey, pair.Shop.Username, orderId)).Body.Str("status"));
    }

    private static IResult Increment(ref int counter, IResult result)
    {
        Interlocked.Increment(ref counter);
        return result;
    }
}
