using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Features.Verification;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Inexopay.Tests.Features.Verification.PanApi;

namespace Inexopay.Tests.Features.Verification;

/// <summary>
/// POST /v1/NSDLPanVerificationDirect: every catalogue error our own server answers (credentials, account, input,
/// limits), in the contract's shape and in the documented check order. None of them charges anything.
/// </summary>
public sealed class PanVerificationErrorsSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private const string Body = """{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}""";

    [Theory, MemberData(nameof(Providers))]
    public async Task Missing_malformed_unknown_or_mismatched_credentials_are_401_without_metadata(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var other = await server.CreateResellerAsync();
        var http = server.Http();
        var mistyped = shop.TestApiKey[..^1] + (shop.TestApiKey[^1] == 'a' ? 'b' : 'a');
        var unknownButWellFormed = Inexopay.Server.Auth.ApiKeys.Generate(ApiMode.Test);

        (string? AppId, string? AppKey)[] cases =
        [
            (null, null), (shop.Username, null), (null, shop.TestApiKey), ("", ""), ("  ", shop.TestApiKey),
            (shop.Username, "not-a-key"), (shop.Username, mistyped), (shop.Username, unknownButWellFormed),
            (other.Username, shop.TestApiKey), (shop.Username.ToUpperInvariant(), shop.TestApiKey),
        ];
        foreach (var (appId, appKey) in cases)
        {
            var reply = await http.SendRawAsync(appId, appKey, NewTransactionId(), Body);
            AssertFailure(reply, 401, "Missing/Invalid credentials", null, metaData: false);
        }
        Assert.Equal(1_000_000, await server.BalancePaiseAsync(shop, ApiMode.Test));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Header_names_are_case_insensitive(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("APPID", shop.Username);
        request.Headers.TryAddWithoutValidation("appkey", shop.TestApiKey);
        request.Headers.TryAddWithoutValidation("TransactionID", "case-1");

        using var response = await server.Http().SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("case-1", body.GetProperty("metaData").Str("transactionId"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Live_key_from_an_unbound_ip_is_user_not_authorized_with_the_ip_explained(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(bindIps: ["203.0.113.7"]);

        var reply = await server.Http().VerifyAsync(shop, "ABCPV1234D", transactionId: "ip-1", live: true);

        AssertFailure(reply, 403, "User not authorized", "ip-1");
        Assert.Equal("IP Address Not Whitelisted. Your IP: 127.0.0.1 does not match Bind IP: 203.0.113.7.", reply.Body.Str("reason"));
        Assert.Equal("127.0.0.1", reply.Body.Str("your_ip"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Test_keys_work_from_any_ip(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(bindIps: ["203.0.113.7"]);

        var reply = await server.Http().VerifyAsync(shop, "ABCPV1234D");

        Assert.Equal(200, reply.Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Suspended_reseller_is_user_id_deactivated(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<ResellerAccounts>().SetStatusAsync(shop.Username, ResellerStatus.Suspended, "test");
            return 0;
        });

        var reply = await server.Http().VerifyAsync(shop, "ABCPV1234D", transactionId: "susp-1");

        AssertFailure(reply, 403, "User ID Deactivated", "susp-1");
        Assert.Equal("Account Inactive", reply.Body.Str("reason"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task No_plan_or_an_expired_plan_is_user_validity_expired(string provider)
    {
        var server = SharedServers.For(provider);
        var noPlan = await server.WithScopeAsync(sp => sp.GetRequiredService<ResellerAccounts>().CreateAsync(
            "noplan_" + Guid.NewGuid().ToString("N")[..8], "No Plan", "a@b.in", null, null, ["127.0.0.1"], 0, "test"));
        var expired = await server.CreateResellerAsync();
        await server.WithScopeAsync(sp => sp.GetRequiredService<ResellerAccounts>()
            .SetPlanAsync(expired.Username, "Premium", new DateOnly(2020, 1, 1), "test"));
        var http = server.Http();

        var a = await http.VerifyAsync(noPlan, "ABCPV1234D", transactionId: "np-1");
        var b = await http.VerifyAsync(expired, "ABCPV1234D", transactionId: "ex-1");

        AssertFailure(a, 403, "User validity has expired", "np-1");
        Assert.Equal("No active subscription plan found", a.Body.Str("reason"));
        AssertFailure(b, 403, "User validity has expired", "ex-1");
        Assert.Equal("Your subscription plan has expired", b.Body.Str("reason"));
        Assert.Equal("2020-01-01 23:59:59", b.Body.Str("plan_expired_at"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_plan_without_pan_verification_is_user_not_authorized_and_charges_nothing(string provider)
    {
        var server = SharedServers.For(provider);
        var plan = "NoVerify_" + Guid.NewGuid().ToString("N")[..8];
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PlanCatalog>().CreateAsync(new PlanView(plan, 0, 30, 0, 0,
                new Dictionary<string, long> { [Services.PanNew] = 100 }, new Dictionary<string, long>()), "test");
            return 0;
        });
        var shop = await server.CreateResellerAsync(plan: plan);

        var reply = await server.Http().VerifyAsync(shop, "ABCPV1234D", transactionId: "nv-1");

        AssertFailure(reply, 403, "User not authorized", "nv-1");
        Assert.Equal($"Your plan ({plan}) does not include PAN verification.", reply.Body.Str("reason"));
        Assert.Equal(1_000_000, await server.BalancePaiseAsync(shop, ApiMode.Test));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Over_the_plan_rate_is_429_in_the_failure_shape_with_retry_after(string provider)
    {
        var server = SharedServers.For(provider);
        var plan = "Tiny_" + Guid.NewGuid().ToString("N")[..8];
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PlanCatalog>().CreateAsync(new PlanView(plan, 0, 30, 2, 0,
                new Dictionary<string, long> { [Services.PanVerification] = 100 }, new Dictionary<string, long>()), "test");
            return 0;
        });
        var shop = await server.CreateResellerAsync(plan: plan);
        var http = server.Http();

        var statuses = new List<int>();
        PanReply? last = null;
        for (var i = 0; i < 3; i++)
        {
            last = await http.VerifyAsync(shop, "ABCPV1234D", transactionId: $"rl-{i}");
            statuses.Add(last.Status);
        }

        Assert.Equal([200, 200, 429], statuses);
        AssertFailure(last!, 429, last!.Message, "rl-2");
        Assert.StartsWith("Too Many Requests. Your plan allows 2 requests per minute", last.Message);
        Assert.True(last.RetryAfter > TimeSpan.Zero);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Missing_too_long_or_unsafe_transaction_ids_are_rejected(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();

        foreach (var id in new[] { null, "", new string('t', 65), "has space", "semi;colon", "quote\"" })
        {
            var reply = await http.SendRawAsync(shop.Username, shop.TestApiKey, id, Body);
            AssertFailure(reply, 400, "Transaction ID invalid (too long or null)", null);
        }
        var longest = await http.SendRawAsync(shop.Username, shop.TestApiKey, new string('t', 64), Body);
        Assert.Equal(200, longest.Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Invalid_fields_answer_their_catalogue_errors_and_charge_nothing(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();

        (string Json, string Message)[] cases =
        [
            ("""{"name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}""", "PAN Number invalid (too long, null, or special characters)"),
            ("""{"pan":"ABCPV1234DX","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}""", "PAN Number invalid (too long, null, or special characters)"),
            ("""{"pan":"ABCPV-234D","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}""", "PAN Number invalid (too long, null, or special characters)"),
            ("""{"pan":"ABCQV1234D","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}""", "PAN Number invalid (too long, null, or special characters)"),
            ("""{"pan":"ABCPV1234D","dob":"15/05/1990"}""", "Name of PAN holder is invalid (length or special chars)"),
            ("""{"pan":"ABCPV1234D","name":"RAHUL#SHARMA","dob":"15/05/1990"}""", "Name of PAN holder is invalid (length or special chars)"),
            ($$"""{"pan":"ABCPV1234D","name":"{{new string('R', 86)}}","dob":"15/05/1990"}""", "Name of PAN holder is invalid (length or special chars)"),
            ("""{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","fatherName":"SURESH 1","dob":"15/05/1990"}""", "Father's name is invalid (length or special chars)"),
            ("""{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","fatherName":{"x":1},"dob":"15/05/1990"}""", "Father's name is invalid (length or special chars)"),
            ("""{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA"}""", "Date of Birth format is incorrect it should be separated with slash (/) and in format of (DD/MM/YYYY) or Value is Null"),
            ("""{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"1990-05-15"}""", "Date of Birth format is incorrect it should be separated with slash (/) and in format of (DD/MM/YYYY) or Value is Null"),
            ("""{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"31/02/1990"}""", "Date of Birth format is incorrect it should be separated with slash (/) and in format of (DD/MM/YYYY) or Value is Null"),
            ("""{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"01/01/2999"}""", "Date of Birth format is incorrect it should be separated with slash (/) and in format of (DD/MM/YYYY) or Value is Null"),
        ];
        var i = 0;
        foreach (var (json, message) in cases)
        {
            var id = $"bad-{i++}";
            var reply = await http.SendRawAsync(shop.Username, shop.TestApiKey, id, json);
            AssertFailure(reply, 400, message, id);
        }

        Assert.Equal(1_000_000, await server.BalancePaiseAsync(shop, ApiMode.Test));
        // Nothing was recorded either: every rejected transaction id is still free.
        Assert.Equal(200, (await http.SendRawAsync(shop.Username, shop.TestApiKey, "bad-0", Body)).Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_body_that_is_not_a_json_object_is_the_catalogues_pan_row_with_the_reason(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();
        var huge = $$"""{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990","pad":"{{new string('x', 20_000)}}"}""";

        foreach (var (json, type) in new[]
                 {
                     ("{\"pan\":", "application/json"), ("[1,2]", "application/json"), ("\"ABCPV1234D\"", "application/json"),
                     ("pan=ABCPV1234D&name=A&dob=01/01/1990", "application/x-www-form-urlencoded"), (huge, "application/json"),
                 })
        {
            // Issue 9: the catalogue has no row for an unreadable body, so it is the first field's (pan cannot be read),
            // never a made-up message; the reason comes as an extra field.
            var reply = await http.SendRawAsync(shop.Username, shop.TestApiKey, "body-1", json, type);
            AssertFailure(reply, 400, Catalogue.PanInvalid.Message, "body-1");
            Assert.Equal(json == huge ? "The request body is larger than 16 KB." : PanVerificationEndpoint.MalformedBody, reply.Body.Str("reason"));
        }
        var empty = await http.SendRawAsync(shop.Username, shop.TestApiKey, "body-2", null);
        AssertFailure(empty, 400, Catalogue.PanInvalid.Message, "body-2");
        Assert.Equal(PanVerificationEndpoint.MalformedBody, empty.Body.Str("reason"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_json_body_is_read_even_under_another_content_type(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();

        var reply = await server.Http().SendRawAsync(shop.Username, shop.TestApiKey, "ct-1", Body, "application/x-www-form-urlencoded");

        Assert.Equal(200, reply.Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Checks_run_in_the_documented_order(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var suspended = await server.CreateResellerAsync();
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<ResellerAccounts>().SetStatusAsync(suspended.Username, ResellerStatus.Suspended, "test");
            return 0;
        });
        var http = server.Http();
        const string allBad = """{"pan":"X","name":"1","dob":"x"}""";

        // credentials before everything, account before input, transaction id before body, body fields in order
        Assert.Equal(401, (await http.SendRawAsync(shop.Username, null, null, allBad)).Status);
        Assert.Equal("User ID Deactivated", (await http.SendRawAsync(suspended.Username, suspended.TestApiKey, null, allBad)).Message);
        Assert.Equal("Transaction ID invalid (too long or null)", (await http.SendRawAsync(shop.Username, shop.TestApiKey, null, "{")).Message);
        Assert.Equal("PAN Number invalid (too long, null, or special characters)",
            (await http.SendRawAsync(shop.Username, shop.TestApiKey, "order-1", allBad)).Message);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Other_methods_get_a_json_405_in_the_failure_shape(string provider)
    {
        using var response = await SharedServers.For(provider).Http().GetAsync(Endpoint);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal("failure", body.Str("status"));
        Assert.Equal(405, body.GetProperty("statusCode").GetInt32());
    }
}
