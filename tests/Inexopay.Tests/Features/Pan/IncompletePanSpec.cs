using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Features.Pan;

/// <summary>POST /api/nsdl-pan/v1/incomplete.php and the sandbox portal's resume page.</summary>
public sealed class IncompletePanSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task A_pending_application_resumes_on_the_portal_with_the_same_transaction(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        var first = await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId);
        PanApi.DecodeEnvelope(first["req"], out var original, out _);

        using var response = await server.Http().PostFormAsync(PanApi.Incomplete, ("api_key", shop.TestApiKey), ("username", shop.Username), ("orderid", orderId));
        var resume = AutoForm.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(new Uri(server.BaseAddress, "/sandbox/protean/SpringBootFormHandling/incompleteApplication").ToString(), resume.Action);
        var envelope = PanApi.DecodeEnvelope(resume["req"], out var data, out _);
        Assert.True(envelope.TryGetProperty("incompleteData", out _));
        Assert.Equal(original.Str("txnid"), data.Str("txnid"));

        // The portal opens the application again, and it can be completed from there.
        using var page = await server.Http().PostAsync("/sandbox/protean/SpringBootFormHandling/incompleteApplication", resume.AsContent());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Contains("Incomplete application resumed", html);
        using var done = await server.Http().PostAsync("/sandbox/protean/SpringBootFormHandling/submitApplication",
            new FormUrlEncodedContent([KeyValuePair.Create("req", resume["req"]), KeyValuePair.Create("action", "complete")]));
        var back = AutoForm.Parse(await done.Content.ReadAsStringAsync());
        Assert.Equal("SUCCESS", back["status"]);
        Assert.Equal("SUCCESS", (await server.StatusAsync(shop.TestApiKey, shop.Username, orderId)).Body.Str("status"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Unknown_finished_and_foreign_orders_have_nothing_to_resume(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var other = await server.CreateResellerAsync();
        var completed = PanApi.NewOrderId();
        var failed = PanApi.NewOrderId();
        var pending = PanApi.NewOrderId();
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, completed, number: "9000000001");
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, failed, number: "9000000002");
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, pending, number: "9000000003");
        var http = server.Http();

        var cases = new[]
        {
            (shop, PanApi.NewOrderId(), (string?)null),
            (shop, completed, "SUCCESS"),
            (shop, failed, "FAILED"),
            (other, pending, null),
        };
        foreach (var (who, orderId, finalStatus) in cases)
        {
            var (status, body) = await http.PostFormJsonAsync(PanApi.Incomplete, ("api_key", who.TestApiKey), ("username", who.Username), ("orderid", orderId));
            Assert.Equal(400, status);
            Assert.Equal("FAILED", body.Str("status"));
            Assert.Equal("No PAN application found with this Order ID for your account", body.Str("message"));
            if (finalStatus is not null) Assert.Equal(finalStatus, body.Str("application_status"));
            else Assert.False(body.TryGetProperty("application_status", out _));
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Missing_order_id_is_400_missing_parameters(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();

        var (status, body) = await server.Http().PostFormJsonAsync(PanApi.Incomplete, ("api_key", shop.TestApiKey), ("username", shop.Username));

        Assert.Equal((400, "Missing or Invalid Parameters", "orderid"), (status, body.Str("message"), body.Str("field")));
    }
}
