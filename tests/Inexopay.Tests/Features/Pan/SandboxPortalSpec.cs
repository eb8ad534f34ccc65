using System.Text.Json.Nodes;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Features.Pan;

/// <summary>The sandbox Protean portal over plain HTTP: signed envelopes, the applicant's three choices, idempotence.</summary>
public sealed class SandboxPortalSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private const string Portal = "/sandbox/protean/SpringBootFormHandling/";

    private static FormUrlEncodedContent Submit(string req, string action) =>
        new([KeyValuePair.Create("req", req), KeyValuePair.Create("action", action)]);

    [Theory, MemberData(nameof(Providers))]
    public async Task The_portal_shows_the_application_and_completing_it_issues_an_acknowledgement_and_returns_the_browser(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, number: "9812345678", returnUrl: "https://shop.example/return");
        var http = server.Http();

        using var page = await http.PostAsync(Portal + "newPanReq", form.AsContent());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Contains("New PAN — Form 49A", html);
        Assert.Contains("XXXXXX5678", html);
        Assert.DoesNotContain("9812345678", html);

        using var complete = await http.PostAsync(Portal + "submitApplication", Submit(form["req"], "complete"));
        var back = AutoForm.Parse(await complete.Content.ReadAsStringAsync());
        Assert.Equal("https://shop.example/return", back.Action);
        Assert.Equal(("1", "SUCCESS", orderId), (back["txnStatus"], back["status"], back["orderid"]));
        Assert.Matches("^[0-9]{15}$", back["ackNo"]);

        // A second click (or a replayed post) changes nothing and reports the same number.
        using var again = await http.PostAsync(Portal + "submitApplication", Submit(form["req"], "fail"));
        var second = AutoForm.Parse(await again.Content.ReadAsStringAsync());
        Assert.Equal((back["ackNo"], "SUCCESS"), (second["ackNo"], second["status"]));
        Assert.Single(await server.LedgerForOrderAsync(shop.Username, orderId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Rejecting_on_the_portal_fails_and_refunds_and_saving_leaves_it_pending(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var rejected = PanApi.NewOrderId();
        var saved = PanApi.NewOrderId();
        var f1 = await server.RequestFormAsync(shop.TestApiKey, shop.Username, rejected);
        var f2 = await server.RequestFormAsync(shop.TestApiKey, shop.Username, saved, panType: "correction");
        var http = server.Http();

        using var r1 = await http.PostAsync(Portal + "submitApplication", Submit(f1["req"], "fail"));
        using var r2 = await http.PostAsync(Portal + "submitApplication", Submit(f2["req"], "later"));
        var b1 = AutoForm.Parse(await r1.Content.ReadAsStringAsync());
        var b2 = AutoForm.Parse(await r2.Content.ReadAsStringAsync());

        Assert.Equal(("0", "FAILED", "Application rejected on the NSDL portal (sandbox)"), (b1["txnStatus"], b1["status"], b1["errorMsg"]));
        Assert.Equal(("0", "PENDING"), (b2["txnStatus"], b2["status"]));
        Assert.Contains("incomplete.php", b2["errorMsg"]);
        Assert.Equal([LedgerKind.Charge, LedgerKind.Refund], (await server.LedgerForOrderAsync(shop.Username, rejected)).Select(e => e.Kind));
        Assert.Equal(10_000_00 - 99_00, await server.BalancePaiseAsync(shop.TestApiKey, shop.Username));
        Assert.Equal("PENDING", (await server.StatusAsync(shop.TestApiKey, shop.Username, saved)).Body.Str("status"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_tampered_envelope_is_refused_and_changes_nothing(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var orderId = PanApi.NewOrderId();
        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, orderId, returnUrl: "https://shop.example/return");
        var http = server.Http();

        // Re-point the browser return at another site, keeping the original signature.
        var envelope = JsonNode.Parse(form["req"])!;
        envelope["reqEntityData"]!["returnUrl"] = "https://attacker.example/steal";
        var redirected = envelope.ToJsonString();
        // Flip one character of the signature.
        var signature = envelope["signature"]!.GetValue<string>();
        var original = JsonNode.Parse(form["req"])!;
        original["signature"] = (signature[0] == 'A' ? "B" : "A") + signature[1..];
        var badSignature = original.ToJsonString();

        foreach (var req in new[] { redirected, badSignature })
        {
            using var page = await http.PostAsync(Portal + "newPanReq", new FormUrlEncodedContent([KeyValuePair.Create("req", req)]));
            using var action = await http.PostAsync(Portal + "submitApplication", Submit(req, "complete"));
            Assert.Equal(400, (int)page.StatusCode);
            Assert.Contains("Signature verification failed", await page.Content.ReadAsStringAsync());
            Assert.Equal(400, (int)action.StatusCode);
        }
        PanApi.DecodeEnvelope(form["req"], out var data, out _);
        var otherTxn = form["req"].Replace(data.Str("txnid"), "IXP000000NOSUCHTXN0000000");
        using var garbage = await http.PostAsync(Portal + "newPanReq", new FormUrlEncodedContent([KeyValuePair.Create("req", "{not json")]));
        using var unknown = await http.PostAsync(Portal + "newPanReq", new FormUrlEncodedContent([KeyValuePair.Create("req", otherTxn)]));
        Assert.Equal(400, (int)garbage.StatusCode);
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Contains("ER066", await unknown.Content.ReadAsStringAsync());
        Assert.Equal("PENDING", (await server.StatusAsync(shop.TestApiKey, shop.Username, orderId)).Body.Str("status"));
        Assert.Single(await server.LedgerForOrderAsync(shop.Username, orderId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Another_resellers_key_cannot_sign_for_an_application(string provider)
    {
        var server = PanServers.For(provider);
        var victim = await server.CreateResellerAsync();
        var attacker = await server.CreateResellerAsync();
        var victimOrder = PanApi.NewOrderId();
        var victimForm = await server.RequestFormAsync(victim.TestApiKey, victim.Username, victimOrder);
        var attackerForm = await server.RequestFormAsync(attacker.TestApiKey, attacker.Username, PanApi.NewOrderId());
        PanApi.DecodeEnvelope(victimForm["req"], out var victimData, out _);
        PanApi.DecodeEnvelope(attackerForm["req"], out var attackerData, out _);

        // The attacker's validly signed envelope, edited to name the victim's transaction and entity, no longer verifies.
        var forged = attackerForm["req"].Replace(attackerData.Str("txnid"), victimData.Str("txnid")).Replace(attackerData.Str("entityId"), victimData.Str("entityId"));
        using var action = await server.Http().PostAsync(Portal + "submitApplication", Submit(forged, "fail"));

        Assert.Equal(400, (int)action.StatusCode);
        Assert.Equal("PENDING", (await server.StatusAsync(victim.TestApiKey, victim.Username, victimOrder)).Body.Str("status"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_envelope_for_one_service_is_refused_by_another(string provider)
    {
        var server = PanServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, PanApi.NewOrderId()); // new PAN

        using var correction = await server.Http().PostAsync(Portal + "crPanReq", form.AsContent());
        using var resume = await server.Http().PostAsync(Portal + "incompleteApplication", form.AsContent());
        using var get = await server.Http().GetAsync(Portal + "newPanReq");

        Assert.Equal(400, (int)correction.StatusCode);
        Assert.Equal(400, (int)resume.StatusCode);
        Assert.Equal(405, (int)get.StatusCode);
        Assert.Equal("text/html; charset=utf-8", get.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task An_envelope_older_than_the_request_ttl_is_refused()
    {
        using var server = new InexopayServer(TestDatabases.Sqlite, PanServers.FastSettings());
        var shop = await server.CreateResellerAsync();
        var form = await server.RequestFormAsync(shop.TestApiKey, shop.Username, PanApi.NewOrderId());
        // Re-sign an envelope with an old reqTs, as the server would have made it 31 minutes ago.
        var secret = shop.WebhookSecret;
        var key = Inexopay.Server.Features.Pan.Sandbox.ProteanEnvelope.EntityKey(secret);
        PanApi.DecodeEnvelope(form["req"], out var data, out _);
        var entityNumber = long.Parse(data.Str("entityId")["IXPSBX".Length..]);
        var old = Inexopay.Server.Features.Pan.Sandbox.ProteanEnvelope.Build("reqEntityData", key, entityNumber, shop.Username, data.Str("txnid"),
            DateTime.UtcNow.AddMinutes(-31), data.Str("returnUrl"), "A", "K", "9876543210");

        using var page = await server.Http().PostAsync(Portal + "newPanReq", new FormUrlEncodedContent([KeyValuePair.Create("req", old)]));

        Assert.Equal(400, (int)page.StatusCode);
        Assert.Contains("Request expired", await page.Content.ReadAsStringAsync());
        // The same envelope signed now is accepted: only the age was wrong.
        var fresh = Inexopay.Server.Features.Pan.Sandbox.ProteanEnvelope.Build("reqEntityData", key, entityNumber, shop.Username, data.Str("txnid"),
            DateTime.UtcNow, data.Str("returnUrl"), "A", "K", "9876543210");
        using var ok = await server.Http().PostAsync(Portal + "newPanReq", new FormUrlEncodedContent([KeyValuePair.Create("req", fresh)]));
        Assert.Equal(200, (int)ok.StatusCode);
    }
}
