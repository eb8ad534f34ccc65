using AngleSharp.Html.Parser;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Features.Pan;

/// <summary>POST /api/nsdl-pan/v1/request_pan.php: the contract's cases, money and the form it answers.</summary>
public sealed class RequestPanSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task Test_key_new_pan_answers_an_auto_submit_form_to_the_sandbox_portal_and_charges_the_plan_fee(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();

        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, number: "9876543210", returnUrl: "https://shop.example/pan/callback");

        Assert.Equal(new Uri(server.BaseAddress, "/sandbox/protean/SpringBootFormHandling/newPanReq").ToString(), form.Action);
        Assert.Equal(["req"], form.Fields.Keys);
        PanApi.DecodeEnvelope(form["req"], out var data, out var formData);
        Assert.Matches("^IXP[0-9]{6}[A-Z0-9]{16}$", data.Str("txnid"));
        Assert.Equal("https://shop.example/pan/callback", data.Str("returnUrl"));
        foreach (var field in new[] { "reqTs", "entityId", "branchCode", "dscProvider", "dscSerialNumber", "dscExpiryDate", "authKey" })
            Assert.False(string.IsNullOrEmpty(data.Str(field)), field);
        var applicant = formData.GetProperty("applicantDto");
        Assert.Equal("A", applicant.Str("category"));
        Assert.Equal("K", applicant.Str("applnMode"));
        Assert.Equal("9876543210", applicant.Str("telOrMobNo"));

        Assert.Equal(10_000_00 - 99_00, await server.BalancePaiseAsync(shop.TestApiKey, shop.Username));
        var (status, body) = await server.StatusAsync(shop.TestApiKey, shop.Username, orderId);
        Assert.Equal((200, "PENDING"), (status, body.Str("status")));
        Assert.Equal(data.Str("txnid"), body.Str("txnid"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Correction_in_esign_mode_goes_to_crPanReq_with_category_CR_and_mode_E(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync(plan: "Basic", bindIps: ["127.0.0.1"]);
        var orderId = PanApi.NewOrderId();

        // Values are accepted in any case and normalised.
        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, panMode: "esign", panType: "CORRECTION");

        Assert.EndsWith("/sandbox/protean/SpringBootFormHandling/crPanReq", form.Action);
        PanApi.DecodeEnvelope(form["req"], out _, out var formData);
        Assert.Equal("CR", formData.GetProperty("applicantDto").Str("category"));
        Assert.Equal("E", formData.GetProperty("applicantDto").Str("applnMode"));
        var (_, body) = await server.StatusAsync(shop.TestApiKey, shop.Username, orderId);
        Assert.Equal("ESIGN", body.Str("pan_mode"));
        Assert.Equal("correction", body.Str("pan_type"));
        Assert.Equal("107.00", body.GetProperty("amount").GetRawText()); // Basic plan's pan_correction fee
    }

    public static IEnumerable<object[]> InvalidParameters()
    {
        foreach (var provider in TestDatabases.Providers.Select(p => (string)p[0]))
        {
            yield return [provider, "number", null!];
            yield return [provider, "number", "98765"];
            yield return [provider, "number", "5876543210"];
            yield return [provider, "number", "98765432101"];
            yield return [provider, "number", "+919876543210"];
            yield return [provider, "orderid", null!];
            yield return [provider, "orderid", new string('A', 65)];
            yield return [provider, "pan_mode", null!];
            yield return [provider, "pan_mode", "OTP"];
            yield return [provider, "pan_type", null!];
            yield return [provider, "pan_type", "reprint"];
            yield return [provider, "return_url", null!];
            yield return [provider, "return_url", "/relative/callback"];
            yield return [provider, "return_url", "ftp://shop.example/cb"];
            yield return [provider, "return_url", "javascript:alert(1)"];
            yield return [provider, "return_url", "https://user:pw@shop.example/cb"];
        }
    }

    [Theory, MemberData(nameof(InvalidParameters))]
    public async Task Missing_or_invalid_parameters_are_400_naming_the_field_and_charge_nothing(string provider, string field, string? value)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        var fields = PanApi.RequestFields(shop.TestApiKey, shop.Username, orderId).Where(f => f.Item1 != field).ToList();
        if (value is not null) fields.Add((field, value));

        var (status, body) = await server.Http().PostFormJsonAsync(PanApi.Request, fields.ToArray());

        Assert.Equal(400, status);
        Assert.Equal(400, body.GetProperty("status_code").GetInt32());
        Assert.Equal("FAILED", body.Str("status"));
        Assert.Equal("Missing or Invalid Parameters", body.Str("message"));
        Assert.Equal(field, body.Str("field"));
        Assert.Equal(10_000_00, await server.BalancePaiseAsync(shop.TestApiKey, shop.Username));
        Assert.Equal(404, (await server.StatusAsync(shop.TestApiKey, shop.Username, orderId)).Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Missing_credentials_are_400_and_wrong_ones_401(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();
        var all = PanApi.RequestFields(shop.TestApiKey, shop.Username, PanApi.NewOrderId());

        var (s1, b1) = await http.PostFormJsonAsync(PanApi.Request, all.Where(f => f.Item1 != "api_key").ToArray());
        var (s2, b2) = await http.PostFormJsonAsync(PanApi.Request, all.Where(f => f.Item1 != "username").ToArray());
        var (s3, b3) = await http.PostFormJsonAsync(PanApi.Request, all.Select(f => f.Item1 == "username" ? (f.Item1, "someone_else") : f).ToArray());
        // Credentials are checked before parameters: a bad key with bad parameters is still 401.
        var (s4, b4) = await http.PostFormJsonAsync(PanApi.Request, ("api_key", "ixp_test_nope"), ("username", shop.Username), ("number", "1"));

        Assert.Equal((400, "Missing or Invalid Parameters", "api_key"), (s1, b1.Str("message"), b1.Str("field")));
        Assert.Equal((400, "Missing or Invalid Parameters", "username"), (s2, b2.Str("message"), b2.Str("field")));
        Assert.Equal((401, "Invalid API Key or Username"), (s3, b3.Str("message")));
        Assert.Equal((401, "Invalid API Key or Username"), (s4, b4.Str("message")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Token_is_accepted_as_the_api_key_alias_and_json_bodies_work(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();

        using var response = await server.Http().PostAsync(PanApi.Request, new StringContent(
            $$"""{"token":"{{shop.TestApiKey}}","username":"{{shop.Username}}","orderid":"{{orderId}}","number":"9123456789","pan_mode":"EKYC","pan_type":"new_pan","return_url":"https://shop.example/cb"}""",
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(200, (int)response.StatusCode);
        AutoForm.Parse(await response.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Live_key_from_an_unbound_ip_and_a_suspended_account_are_403_and_charge_nothing(string provider)
    {
        var server = PanServers.For(provider);
        var unbound = await server.CreateResellerAsync(bindIps: ["203.0.113.9"]);
        var suspended = await server.CreateResellerAsync();
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<ResellerAccounts>().SetStatusAsync(suspended.Username, ResellerStatus.Suspended, "test");
            return 0;
        });

        var (s1, b1) = await server.RequestAsync(unbound.LiveApiKey, unbound.Username, PanApi.NewOrderId()).ReadJsonAsync();
        var (s2, b2) = await server.RequestAsync(suspended.TestApiKey, suspended.Username, PanApi.NewOrderId()).ReadJsonAsync();

        Assert.Equal(403, s1);
        Assert.StartsWith("IP Address Not Whitelisted", b1.Str("message"));
        Assert.Equal((403, "Account Inactive"), (s2, b2.Str("message")));
        Assert.Equal(0, await server.OrderCountAsync(unbound.Username));
        Assert.Equal(0, await server.OrderCountAsync(suspended.Username));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Duplicate_order_id_is_409_and_charges_once(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId);

        var (status, body) = await server.RequestAsync(shop.TestApiKey, shop.Username, orderId, number: "9123456780").ReadJsonAsync();

        Assert.Equal((409, "FAILED", "Duplicate Order ID"), (status, body.Str("status"), body.Str("message")));
        Assert.Equal(10_000_00 - 99_00, await server.BalancePaiseAsync(shop.TestApiKey, shop.Username));
        Assert.Single(await server.LedgerForOrderAsync(shop.Username, orderId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Sixteen_concurrent_requests_with_one_order_id_charge_once_and_the_rest_are_409(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            start.Wait();
            using var response = await server.RequestAsync(shop.TestApiKey, shop.Username, orderId, number: $"98765432{i:D2}");
            return (int)response.StatusCode;
        })).ToList();
        start.Set();
        var statuses = await Task.WhenAll(attempts);

        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(19, statuses.Count(s => s == 409));
        var ledger = await server.LedgerForOrderAsync(shop.Username, orderId);
        Assert.Equal(-99_00, Assert.Single(ledger).AmountPaise);
        Assert.Equal(10_000_00 - 99_00, await server.BalancePaiseAsync(shop.TestApiKey, shop.Username));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_fee_above_the_balance_is_402_and_records_nothing(string provider)
    {
        var server = PanServers.For(provider);
        var planName = "PanDear_" + Guid.NewGuid().ToString("N")[..6];
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PlanCatalog>().CreateAsync(new PlanView(planName, 0, 30, 0, 2,
                new Dictionary<string, long> { [Services.PanNew] = 20_000_00 }, new Dictionary<string, long>()), "test");
            return 0;
        });
        var shop = await server.CreateResellerAsync(plan: planName);
        var orderId = PanApi.NewOrderId();

        var (status, body) = await server.RequestAsync(shop.TestApiKey, shop.Username, orderId).ReadJsonAsync();
        var (correctionStatus, correctionBody) = await server.RequestAsync(shop.TestApiKey, shop.Username, PanApi.NewOrderId(), panType: "correction").ReadJsonAsync();

        Assert.Equal((402, "Insufficient Balance"), (status, body.Str("message")));
        Assert.Equal("20000.00", body.GetProperty("amount").GetRawText());
        Assert.Equal(403, correctionStatus); // the plan has no pan_correction fee
        Assert.Equal("PAN applications are not included in your plan", correctionBody.Str("message"));
        Assert.Equal(10_000_00, await server.BalancePaiseAsync(shop.TestApiKey, shop.Username));
        Assert.Equal(404, (await server.StatusAsync(shop.TestApiKey, shop.Username, orderId)).Status);
        // The order id was not used up by the refused attempt.
        Assert.Empty(await server.LedgerForOrderAsync(shop.Username, orderId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Live_key_without_a_configured_provider_is_a_clear_503_and_moves_no_money(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync(liveCreditPaise: 500_00);
        var orderId = PanApi.NewOrderId();

        var (status, body) = await server.RequestAsync(shop.LiveApiKey, shop.Username, orderId).ReadJsonAsync();

        Assert.Equal(503, status);
        Assert.Equal("FAILED", body.Str("status"));
        Assert.Contains("no PAN provider is configured for live mode", body.Str("message"));
        Assert.Equal(500_00, await server.BalancePaiseAsync(shop.LiveApiKey, shop.Username));
        Assert.Equal(404, (await server.StatusAsync(shop.LiveApiKey, shop.Username, orderId)).Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Script_in_the_order_id_and_return_url_is_encoded_and_round_trips_as_data(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        const string evilOrder = "\"><script>alert('o')</script><x a='";
        var evilReturn = "https://shop.example/cb?x=\"><script>alert(1)</script>&y=<img/src=x/onerror=alert(2)>";

        // 9000000001 completes at once, so the form posts straight to the return_url with the order id in it.
        using var response = await server.RequestAsync(shop.TestApiKey, shop.Username, evilOrder, number: "9000000001", returnUrl: evilReturn);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        var form = AutoForm.Parse(html);
        Assert.Equal(evilReturn, form.Action);
        Assert.Equal(evilOrder, form["orderid"]);
        Assert.Empty(form.Document.Scripts);
        Assert.Empty(form.Document.Images);
        string[] expected = ["html", "head", "meta", "title", "body", "form", "input", "noscript", "p", "button"];
        Assert.All(form.Document.All.Select(e => e.LocalName), name => Assert.Contains(name, expected));

        // The same values through the sandbox portal's pages.
        var second = await server.RequestFormAsync(shop.TestApiKey, shop.Username, evilOrder + "2", returnUrl: evilReturn);
        using var portal = await server.Http().PostAsync(second.Action.Replace(server.BaseAddress.ToString().TrimEnd('/'), ""), second.AsContent());
        var page = await portal.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)portal.StatusCode);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("default-src 'none'", portal.Headers.GetValues("Content-Security-Policy").Single());
        using var back = await server.Http().PostAsync("/sandbox/protean/SpringBootFormHandling/submitApplication",
            new FormUrlEncodedContent([KeyValuePair.Create("req", second["req"]), KeyValuePair.Create("action", "later")]));
        var backForm = AutoForm.Parse(await back.Content.ReadAsStringAsync());
        Assert.Equal(evilReturn, backForm.Action);
        Assert.Equal(evilOrder + "2", backForm["orderid"]);
        Assert.Empty(new HtmlParser().ParseDocument(await back.Content.ReadAsStringAsync()).Scripts);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Rate_limit_of_the_plan_answers_429_in_the_endpoint_shape(string provider)
    {
        var server = PanServers.For(provider);
        var planName = "PanSlow_" + Guid.NewGuid().ToString("N")[..6];
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PlanCatalog>().CreateAsync(new PlanView(planName, 0, 30, 1, 2,
                new Dictionary<string, long> { [Services.PanNew] = 50_00 }, new Dictionary<string, long>()), "test");
            return 0;
        });
        var shop = await server.CreateResellerAsync(plan: planName);

        await server.RequestFormAsync(shop.TestApiKey, shop.Username, PanApi.NewOrderId());
        using var limited = await server.RequestAsync(shop.TestApiKey, shop.Username, PanApi.NewOrderId());

        Assert.Equal(429, (int)limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("\"status\":\"FAILED\"", await limited.Content.ReadAsStringAsync());
        Assert.Equal(1, await server.OrderCountAsync(shop.Username));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Get_is_a_json_405(string provider)
    {
        using var response = await PanServers.For(provider).Http().GetAsync(PanApi.Request);

        Assert.Equal(405, (int)response.StatusCode);
        Assert.Contains("\"status\":\"FAILED\"", await response.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_application_and_its_order_are_recorded_together(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, number: "7012345678");

        var (order, app) = await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<InexopayDb>();
            var o = await db.Orders.SingleAsync(x => x.OrderRef == orderId);
            return (o, await db.PanApplications.SingleAsync(a => a.OrderId == o.Id));
        });

        Assert.Equal((OrderStatus.Pending, PanApplicationStatus.Pending), (order.Status, app.Status));
        Assert.Equal(Services.PanNew, order.Service);
        Assert.Equal(app.PortalTxnId, order.ProviderRef);
        Assert.Null(order.ProviderCallStartedAt); // the sandbox hand-off is complete when the form is issued
        Assert.Equal(("7012345678", "EKYC", "new_pan", ApiMode.Test), (app.Mobile, app.PanMode, app.PanType, app.Mode));
    }
}
