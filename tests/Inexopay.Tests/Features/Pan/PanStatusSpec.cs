using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Features.Pan;

/// <summary>POST /api/nsdl-pan/v1/pan_status.php.</summary>
public sealed class PanStatusSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task A_pending_application_reports_every_contract_field(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, panMode: "ESIGN");

        var (status, body) = await server.StatusAsync(shop.TestApiKey, shop.Username, orderId);

        Assert.Equal(200, status);
        Assert.Equal(["status_code", "status", "message", "order_id", "reference", "pan_mode", "amount", "balance", "date_time", "username"],
            body.EnumerateObject().Select(p => p.Name).Take(10).ToArray());
        Assert.Equal(200, body.GetProperty("status_code").GetInt32());
        Assert.Equal("PENDING", body.Str("status"));
        Assert.Equal("Transaction status fetched successfully", body.Str("message"));
        Assert.Equal(orderId, body.Str("order_id"));
        Assert.Equal("", body.Str("reference"));
        Assert.Equal("ESIGN", body.Str("pan_mode"));
        Assert.Equal("99.00", body.GetProperty("amount").GetRawText());
        Assert.Equal("9901.00", body.GetProperty("balance").GetRawText());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", body.Str("date_time"));
        Assert.Equal(shop.Username, body.Str("username"));
        Assert.Equal("new_pan", body.Str("pan_type"));
        Assert.False(body.GetProperty("refunded").GetBoolean());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_completed_application_reports_success_with_the_15_digit_acknowledgement_number(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, number: "9000000001");

        var (status, body) = await server.StatusAsync(shop.TestApiKey, shop.Username, orderId);

        Assert.Equal((200, "SUCCESS"), (status, body.Str("status")));
        Assert.Matches("^[0-9]{15}$", body.Str("reference"));
        Assert.Equal(form["ackNo"], body.Str("reference"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Unknown_orders_and_other_resellers_orders_are_the_same_404(string provider)
    {
        var server = PanServers.For(provider);
        var owner = await server.CreateResellerAsync();
        var other = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        await server.RequestFormAsync(owner.TestApiKey, owner.Username, orderId);

        var unknown = await server.StatusAsync(owner.TestApiKey, owner.Username, PanApi.NewOrderId());
        var foreign = await server.StatusAsync(other.TestApiKey, other.Username, orderId);
        var otherMode = await server.StatusAsync(owner.LiveApiKey, owner.Username, orderId);

        foreach (var (status, body) in new[] { unknown, foreign, otherMode })
        {
            Assert.Equal(404, status);
            Assert.Equal(404, body.GetProperty("status_code").GetInt32());
            Assert.Equal("FAILED", body.Str("status"));
            Assert.Equal("No PAN application found with this Order ID", body.Str("message"));
            Assert.Equal(3, body.EnumerateObject().Count());
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Missing_order_id_is_400_and_bad_credentials_401(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();

        var (s1, b1) = await http.PostFormJsonAsync(PanApi.Status, ("api_key", shop.TestApiKey), ("username", shop.Username));
        var (s2, b2) = await http.PostFormJsonAsync(PanApi.Status, ("api_key", shop.TestApiKey), ("orderid", "X1"));
        var (s3, b3) = await http.PostFormJsonAsync(PanApi.Status, ("token", shop.TestApiKey + "x"), ("username", shop.Username), ("orderid", "X1"));

        Assert.Equal((400, "Missing or Invalid Parameters", "orderid"), (s1, b1.Str("message"), b1.Str("field")));
        Assert.Equal((400, "Missing or Invalid Parameters"), (s2, b2.Str("message")));
        Assert.Equal((401, "Invalid API Key or Username"), (s3, b3.Str("message")));
    }
}
