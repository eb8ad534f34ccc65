using System.Net.Http.Json;
using System.Text.Json;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using static Inexopay.Tests.Features.Verification.PanApi;

namespace Inexopay.Tests.Features.Verification;

/// <summary>Test keys against the sandbox: every registry row, the magic upstream errors (refunded), any other PAN.</summary>
public sealed class PanVerificationSandboxSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;
    public static IEnumerable<object[]> Rows => SandboxRegistry.RowsOn(TestDatabases.Providers);
    public static IEnumerable<object[]> Errors => SandboxRegistry.ErrorsOn(TestDatabases.Providers);

    [Theory, MemberData(nameof(Rows))]
    public async Task Every_registry_pan_answers_its_record_and_is_charged(string provider, string pan)
    {
        var row = SandboxRegistry.Rows.Single(r => r.Pan == pan);
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();

        var reply = await server.Http().VerifyAsync(shop, row.Pan, row.Name, row.Dob, row.Father, transactionId: "row-" + pan);

        Assert.Equal(200, reply.Status);
        Assert.Equal(["status", "statusCode", "result", "metaData"], reply.Body.EnumerateObject().Select(p => p.Name).Take(4));
        Assert.Equal("success", reply.Body.Str("status"));
        Assert.Equal(200, reply.Body.GetProperty("statusCode").GetInt32());
        var result = reply.Result;
        Assert.Equal(["pan", "panStatus", "name", "fathername", "dob", "seedingStatus"], result.EnumerateObject().Select(p => p.Name).Take(6));
        Assert.Equal((row.Pan, row.PanStatus, "Y", row.Father is null ? "" : "Y", "Y", row.Seeding),
            (result.Str("pan"), result.Str("panStatus"), result.Str("name"), result.Str("fathername"), result.Str("dob"), result.Str("seedingStatus")));
        Assert.Equal(100, result.GetProperty("nameMatchScore").GetInt32());
        Assert.Equal("row-" + pan, reply.Body.GetProperty("metaData").Str("transactionId"));
        Assert.Matches("^[0-9]{13}-[0-9a-f-]{36}$", reply.Body.GetProperty("metaData").Str("requestId"));
        Assert.Equal("1.50", reply.Body.GetProperty("charged").GetRawText());
        Assert.Equal("9998.50", reply.Body.GetProperty("balance").GetRawText());
        Assert.Equal(1_000_000 - 150, await server.BalancePaiseAsync(shop, ApiMode.Test));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Wrong_name_father_and_date_are_N_while_the_pan_status_stays(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();

        var reply = await server.Http().VerifyAsync(shop, "ABCPV1234D", "ROHIT SHARMA", "16/05/1990", "ANIL MEHTA");

        var r = reply.Result;
        Assert.Equal(("Existing and Valid", "N", "N", "N", "Operative PAN"),
            (r.Str("panStatus"), r.Str("name"), r.Str("fathername"), r.Str("dob"), r.Str("seedingStatus")));
        Assert.Equal(40, r.GetProperty("nameMatchScore").GetInt32());
        Assert.Equal("1.50", reply.Body.GetProperty("charged").GetRawText());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Indian_name_variants_match_and_report_their_score(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();

        var reply = await server.Http().VerifyAsync(shop, "abcpv1234d", "Shri R.K. Sharma", "15/05/1990", "Late Suresh K Sharma");

        var r = reply.Result;
        Assert.Equal(("ABCPV1234D", "Y", "Y", "Y"), (r.Str("pan"), r.Str("name"), r.Str("fathername"), r.Str("dob")));
        Assert.Equal(93, r.GetProperty("nameMatchScore").GetInt32());
        Assert.Equal(97, r.GetProperty("fatherNameMatchScore").GetInt32());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_father_name_against_a_record_without_one_is_N(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();

        var reply = await server.Http().VerifyAsync(shop, "AAACI1234G", "Inexo Technologies Pvt Ltd", "12/03/2015", "ANYONE");

        Assert.Equal(("Y", "N", "Y"), (reply.Result.Str("name"), reply.Result.Str("fathername"), reply.Result.Str("dob")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Any_other_well_formed_pan_is_invalid_and_charged(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();

        var without = await http.VerifyAsync(shop, "AAAPA0000A", "SOME ONE", "01/01/1990");
        var with = await http.VerifyAsync(shop, "ZZZPZ9999Z", "SOME ONE", "01/01/1990", "SOME FATHER");

        Assert.Equal(200, without.Status);
        var r = without.Result;
        Assert.Equal(("AAAPA0000A", "Invalid PAN", "N", "", "N", ""),
            (r.Str("pan"), r.Str("panStatus"), r.Str("name"), r.Str("fathername"), r.Str("dob"), r.Str("seedingStatus")));
        Assert.Equal(("Invalid PAN", "N"), (with.Result.Str("panStatus"), with.Result.Str("fathername")));
        Assert.Equal(1_000_000 - 300, await server.BalancePaiseAsync(shop, ApiMode.Test));
    }

    [Theory, MemberData(nameof(Errors))]
    public async Task Magic_pans_make_the_upstream_fail_and_the_charge_is_refunded(string provider, string pan)
    {
        var (_, status, message, metaData) = SandboxRegistry.UpstreamErrors.Single(e => e.Pan == pan);
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();

        var reply = await server.Http().VerifyAsync(shop, pan, transactionId: "magic-" + pan);

        AssertFailure(reply, status, message, "magic-" + pan, metaData);
        Assert.Equal(("1.50", "1.50", "10000.00"), (reply.Body.GetProperty("charged").GetRawText(),
            reply.Body.GetProperty("refunded").GetRawText(), reply.Body.GetProperty("balance").GetRawText()));
        var ledger = (await server.LedgerAsync(shop, ApiMode.Test)).Where(l => l.OrderId == "magic-" + pan).OrderBy(l => l.Id).ToList();
        Assert.Equal([("charge", -1.50m), ("refund", 1.50m)], ledger.Select(l => (l.Kind, l.Amount)));
        Assert.Equal(1_000_000, await server.BalancePaiseAsync(shop, ApiMode.Test));
        // The order id is spent: the reseller's retry needs a new one.
        Assert.Equal(409, (await server.Http().VerifyAsync(shop, pan, transactionId: "magic-" + pan)).Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_slow_pan_answers_after_a_delay(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var slow = SandboxRegistry.Slow;

        var reply = await server.Http().VerifyAsync(shop, slow.Pan, slow.Name, slow.Dob);

        Assert.Equal(200, reply.Status);
        Assert.Equal((slow.PanStatus, "Y", "Y", slow.Seeding),
            (reply.Result.Str("panStatus"), reply.Result.Str("name"), reply.Result.Str("dob"), reply.Result.Str("seedingStatus")));
        Assert.Equal(1_000_000 - 150, await server.BalancePaiseAsync(shop, ApiMode.Test));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_registry_is_published_in_the_sandbox_test_data(string provider)
    {
        var doc = await SharedServers.For(provider).Http().GetFromJsonAsync<JsonElement>("/api/sandbox/test-data.json");

        var section = doc.GetProperty("pan_verification");
        var published = section.GetProperty("registry").EnumerateArray().Select(r => new SandboxRegistry.Row(r.Str("pan"), r.Str("name"),
            r.Str("fatherName") is { Length: > 0 } f ? f : null, r.Str("dob"), r.Str("panStatus"), r.Str("seedingStatus"))).ToArray();
        Assert.Equal(SandboxRegistry.Rows, published);
        Assert.Equal(SandboxRegistry.UpstreamErrors.Select(e => (e.Pan, e.Status, e.Message)),
            section.GetProperty("upstream_errors").EnumerateArray().Select(e => (e.Str("pan"), e.GetProperty("statusCode").GetInt32(), e.Str("message"))));
        Assert.Equal(SandboxRegistry.Slow.Pan, section.GetProperty("slow_answer").Str("pan"));
        Assert.Equal("Invalid PAN", section.GetProperty("any_other_pan").Str("panStatus"));
    }
}
