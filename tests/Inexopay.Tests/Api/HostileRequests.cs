using System.Text;
using CsCheck;
using Inexopay.Server.Features.Bank;
using Inexopay.Server.Features.Pan;
using Inexopay.Server.Features.Pan.Sandbox;
using Inexopay.Server.Features.Verification;

namespace Inexopay.Tests.Api;

/// <summary>The answer shapes of the contract's families (what a hostile request's answer is checked against).</summary>
public enum Family { StatusCode, ErrorCode, Bank, HyperVerge, Html }

/// <summary>One of the endpoints the fuzz spec attacks, with parameters that are valid except for one "poison".</summary>
public sealed record FuzzEndpoint(string Path, Family Family, (string Key, string Value)[] Base)
{
    public override string ToString() => Path;
}

/// <summary>A generated request: everything needed to send it, and the mutation that made it, for the report.</summary>
public sealed record HostileRequest(string Mutation, string Method, string Path, string? ContentType, byte[] Body, (string Name, string Value)[] Headers)
{
    public override string ToString()
    {
        var preview = Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 160)));
        return $"[{Mutation}] {Method} {Path} ({ContentType ?? "no content-type"}, {Body.Length} bytes, headers {string.Join(", ",
            Headers.Select(h => h.Name + "=" + h.Value[..Math.Min(h.Value.Length, 40)]))}): {preview}";
    }
}

/// <summary>
/// CsCheck generators of malformed requests, one family of mutations each (the issue's list): invalid UTF-8,
/// unpaired surrogates in values and keys, NUL and control characters, truncated and boundary-less multipart, too many
/// fields, over-long keys, oversize bodies, wrong content types, JSON that is not an object, objects/arrays/numbers
/// where strings belong, deep nesting, other methods, unknown paths, hostile webhook headers and Protean envelopes.
/// Paid endpoints always carry one invalid parameter that no mutation repairs (an invalid mobile, e-mail or future
/// date of birth), so no generated request may move money.
/// </summary>
public static class HostileRequests
{
    private const string Pan = "/api/nsdl-pan/v1/";
    private const string Bank = "/api/nsdl-bank/v1/";

    public static readonly FuzzEndpoint[] Endpoints =
    [
        new("/api/check_status.php", Family.StatusCode, []),
        new("/api/balance.php", Family.ErrorCode, []),
        new(PanEndpoints.RequestPath, Family.StatusCode, [("orderid", "ORD-FUZZ"), ("number", "12345"), ("pan_mode", "EKYC"),
            ("pan_type", "new_pan"), ("return_url", "https://shop.example/cb")]),
        new(PanEndpoints.StatusPath, Family.StatusCode, [("orderid", "ORD-NOPE")]),
        new(PanEndpoints.IncompletePath, Family.StatusCode, [("orderid", "ORD-NOPE")]),
        new(PanEndpoints.UpstreamCallbackPath, Family.StatusCode, [("orderid", "IXPNOSUCHTXN")]),
        new(BankModule.OnboardingPath, Family.Bank, [("order_id", "B-FUZZ"), ("shop_name", "My Shop"), ("name", "Rahul Kumar"),
            ("email", "not-an-email"), ("mobile", "9876543210"), ("date_of_birth", "2000-05-15"), ("address", "Mathura, UP"),
            ("state_name", "Uttar Pradesh"), ("city_name", "Mathura"), ("pincode", "281001"), ("pancard", "AWTPL9909L")]),
        new(BankModule.AccountOpenPath, Family.Bank, [("order_id", "B-FUZZ"), ("account_type", "saving"), ("bcagentid", "INEXO9999"),
            ("agent_pancard", "AWTPL9929J"), ("first_name", "Rahul"), ("last_name", "Sharma"), ("email", "not-an-email"),
            ("phone", "9876543210"), ("pancard", "AWTPL9929J"), ("pincode", "281001")]),
        new(BankModule.StatusPath, Family.Bank, [("order_id", "B-NOPE")]),
        new(BankModule.DetailsPath, Family.Bank, [("pancard", "AWTPL9929J")]),
        new(PanVerificationEndpoint.Path, Family.HyperVerge, [("pan", "ABCPV1234D"), ("name", "RAHUL KUMAR SHARMA"), ("dob", "15/05/2999")]),
        new(SandboxPortal.NewPanPath, Family.Html, []),
        new(SandboxPortal.SubmitPath, Family.Html, [("action", "complete")]),
    ];

    /// <summary>Unknown neighbours: each must get a 404 in its folder's family.</summary>
    public static readonly (string Path, Family Family)[] Unknown =
    [
        ("/api/nope.php", Family.StatusCode), (Pan + "nope.php", Family.StatusCode), (Bank + "nope.php", Family.Bank),
        ("/v1/NSDLPanVerification", Family.HyperVerge), ("/api//balance.php", Family.StatusCode), (SandboxPortal.BasePath + "/nope", Family.Html),
    ];

    private static readonly string[] LoneSurrogates = [@"\ud800", @"\udfff", @"a\ud83d", @"\udc00\ud800", @"\uDBFF"];
    private static readonly byte[][] BadUtf8 = [[0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x61, 0x80], [0xE2, 0x82]];
    private static readonly string[] Controls = ["\0", "a\0b", "\u0001", "\u001b[31m", "\u007f", "\0\0\0"];
    private static readonly string[] OtherMethods = ["OPTIONS", "HEAD", "TRACE", "PUT", "PATCH", "DELETE", "GET"];

    /// <summary>All mutations for one endpoint; <paramref name="test"/>/<paramref name="live"/> are a reseller's keys.</summary>
    public static Gen<HostileRequest> For(FuzzEndpoint endpoint, string username, string test, string live)
    {
        var credentials = Gen.Frequency(
            (15, Gen.Const<(string?, string?)>((username, test))), (2, Gen.Const<(string?, string?)>((username, live))),
            (2, Gen.Const<(string?, string?)>((username, "ixp_test_" + new string('A', 38)))), (1, Gen.Const<(string?, string?)>((null, null))));
        var fields = credentials.Select(c => Fields(endpoint, c));
        var headers = credentials.Select(c => endpoint.Family == Family.HyperVerge ? HyperVergeHeaders(c) : []);
        var index = Gen.Int[0, 1000];

        Gen<HostileRequest> Post(string mutation, Func<(string Key, byte[] Value)[], int, (string? ContentType, byte[] Body)> build) =>
            Gen.Select(fields, headers, index, (f, h, i) =>
            {
                var (contentType, body) = build(f, i);
                return new HostileRequest(mutation, "POST", endpoint.Path, contentType, body, h);
            });

        var mutations = new List<(int, IGen<HostileRequest>)>
        {
            (4, Post("json-surrogate", (f, i) => ("application/json", Json(WithValue(f, i, LoneSurrogates[i % LoneSurrogates.Length], raw: true),
                surrogateKey: i % 3 == 0 ? LoneSurrogates[i % LoneSurrogates.Length] : null)))),
            (4, Post("json-invalid-utf8", (f, i) => ("application/json", JsonWithBytes(f, i, BadUtf8[i % BadUtf8.Length])))),
            (4, Post("control-characters", (f, i) => Encode(WithValue(f, i, Controls[i % Controls.Length]), i))),
            (3, Post("form-invalid-utf8", (f, i) => i % 2 == 0
                ? ("application/x-www-form-urlencoded", Concat(Form(f), "&k="u8.ToArray(), BadUtf8[i % BadUtf8.Length]))
                : ("multipart/form-data; boundary=fuzzB", Multipart([.. f, ("k", BadUtf8[i % BadUtf8.Length])], "fuzzB")))),
            (3, Post("multipart-truncated", (f, i) =>
            {
                var full = Multipart(f.Length > 0 ? f : [("a", "b"u8.ToArray())], "fuzzB");
                return ("multipart/form-data; boundary=fuzzB", full[..(1 + i * (full.Length - 2) / 1000)]);
            })),
            (3, Post("multipart-boundary", (f, i) => (new[]
            {
                "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=other",
                "multipart/form-data; boundary=" + new string('b', 200), "multipart/form-data; boundary=\"unterminated",
            }[i % 5], Multipart(f, "fuzzB")))),
            (2, Post("too-many-fields", (f, i) => Encode([.. f, .. Enumerable.Range(0, new[] { 129, 600, 1100 }[i % 3])
                .Select(n => ("f" + n, "v"u8.ToArray()))], i))),
            (2, Post("long-key", (f, i) => Encode([.. f, (new string('k', new[] { 257, 2049, 9000 }[i % 3]), "v"u8.ToArray())], i))),
            (2, Post("oversize", (f, i) => Encode([.. f, ("pad", Encoding.ASCII.GetBytes(new string('x', new[] { 17_000, 70_000, 1_100_000 }[i % 3])))], i))),
            (3, Post("content-type", (f, i) => (new[] { "text/plain", "application/xml", "image/png", "a/b/c", "application/x-www-form-urlencoded; charset=nope" }[i % 5],
                i % 2 == 0 ? Json(f) : Form(f)))),
            (3, Post("json-not-object", (_, i) => ("application/json", Encoding.UTF8.GetBytes(new[]
                { "[1,2]", "\"str\"", "123", "null", "true", "{", "}{", "{\"a\":}", "{\"a\":1,}", "NaN", "{'a':1}" }[i % 11])))),
            (3, Post("json-wrong-types", (f, i) => ("application/json", JsonWithRaw(f, i, new[] { "[\"a\"]", "{\"x\":1}", "[]", "{}", "[[[\"d\"]]]" }[i % 5])))),
            (1, Post("json-deep", (_, i) => ("application/json", Encoding.ASCII.GetBytes("{\"a\":" + new string('[', 20 + i * 10) + new string(']', 20 + i * 10) + "}")))),
            (3, Gen.Select(headers, Gen.Int[0, OtherMethods.Length - 1], (h, m) =>
                new HostileRequest("method", OtherMethods[m], endpoint.Path, null, [], h))),
        };
        if (endpoint.Path == PanEndpoints.UpstreamCallbackPath) mutations.Add((4, Webhook(index)));
        if (endpoint.Family == Family.Html) mutations.Add((4, Gen.Select(index, i => Envelope(endpoint, i))));
        return Gen.Frequency([.. mutations]);
    }

    private static (string Key, byte[] Value)[] Fields(FuzzEndpoint endpoint, (string? Username, string? Key) c)
    {
        var list = endpoint.Base.Select(b => (b.Key, Encoding.UTF8.GetBytes(b.Value))).ToList();
        if (endpoint.Family == Family.Html) list.Insert(0, ("req", "{\"reqEntityData\":{\"txnid\":\"IXP0001\",\"entityId\":\"IXPSBX000001\"},\"signature\":\"AAAA\""u8.ToArray()));
        else if (endpoint.Family != Family.HyperVerge && c.Username is not null)
            list.InsertRange(0, [("api_key", Encoding.UTF8.GetBytes(c.Key!)), ("username", Encoding.UTF8.GetBytes(c.Username))]);
        return [.. list];
    }

    private static (string, string)[] HyperVergeHeaders((string? Username, string? Key) c) =>
        c.Username is null ? [("transactionId", "fuzz-1")] : [("appId", c.Username), ("appKey", c.Key!), ("transactionId", "fuzz-1")];

    private static (string Key, byte[] Value)[] WithValue((string Key, byte[] Value)[] f, int i, string value, bool raw = false)
    {
        var copy = f.ToArray();
        var bytes = Encoding.UTF8.GetBytes(value);
        if (copy.Length == 0) return [("x", bytes)];
        var at = i % copy.Length;
        copy[at] = (copy[at].Key, raw ? bytes : Concat(copy[at].Value, bytes));
        return copy;
    }

    /// <summary>Form, multipart or JSON, by <paramref name="i"/>.</summary>
    private static (string, byte[]) Encode((string Key, byte[] Value)[] f, int i) => (i % 3) switch
    {
        0 => ("application/x-www-form-urlencoded", Form(f)),
        1 => ("multipart/form-data; boundary=fuzzB", Multipart(f, "fuzzB")),
        _ => ("application/json", Json(f)),
    };

    private static byte[] Form((string Key, byte[] Value)[] f) =>
        Encoding.ASCII.GetBytes(string.Join('&', f.Select(p => Uri.EscapeDataString(p.Key) + "=" + string.Concat(p.Value.Select(b => $"%{b:X2}")))));

    private static byte[] Multipart((string Key, byte[] Value)[] f, string boundary)
    {
        using var body = new MemoryStream();
        foreach (var (key, value) in f)
        {
            body.Write(Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n"));
            body.Write(value);
            body.Write("\r\n"u8);
        }
        body.Write(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"));
        return body.ToArray();
    }

    /// <summary>A JSON object; values are JSON strings escaped from their bytes, or inserted raw when they start with an escape.</summary>
    private static byte[] Json((string Key, byte[] Value)[] f, string? surrogateKey = null)
    {
        var parts = f.Select(p => JsonString(p.Key) + ":" + (p.Value.Length > 1 && p.Value[0] == '\\' ? "\"" + Encoding.UTF8.GetString(p.Value) + "\""
            : JsonString(Encoding.UTF8.GetString(p.Value)))).ToList();
        if (surrogateKey is not null) parts.Insert(parts.Count / 2, "\"" + surrogateKey + "\":\"x\"");
        return Encoding.UTF8.GetBytes("{" + string.Join(',', parts) + "}");
    }

    private static byte[] JsonWithBytes((string Key, byte[] Value)[] f, int i, byte[] bad)
    {
        var json = Json(i % 2 == 0 ? f : [.. f, ("k@", "v"u8.ToArray())]);
        // Insert the invalid bytes inside the first string value (or key) after position i.
        var quote = Array.IndexOf(json, (byte)'"', Math.Min(i % Math.Max(json.Length, 1), json.Length - 1));
        return quote < 0 ? Concat(json, bad) : Concat(json[..(quote + 1)], bad, json[(quote + 1)..]);
    }

    private static byte[] JsonWithRaw((string Key, byte[] Value)[] f, int i, string raw)
    {
        var parts = f.Select((p, n) => JsonString(p.Key) + ":" + (n == i % Math.Max(f.Length, 1) ? raw : JsonString(Encoding.UTF8.GetString(p.Value)))).ToList();
        if (parts.Count == 0) parts.Add("\"username\":" + raw);
        return Encoding.UTF8.GetBytes("{" + string.Join(',', parts) + "}");
    }

    private static string JsonString(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static Gen<HostileRequest> Webhook(Gen<int> index) => index.Select(i =>
    {
        string[] timestamps = ["-9223372036854775808", "9223372036854775807", "-1", "0", "1" + new string('0', 40), "abc", "", "-9223372036854775807"];
        string[] bodies = ["{\"order_id\":\"\\ud800\"}", "{\"order_id\":\"a\\u0000b\"}", "{\"order_id\":123}", "{\"order_id\":\"" + new string('x', 100) + "\"}",
            "{bad", "{\"order_id\":\"IXP123\"}", new string('x', 70_000)];
        return new HostileRequest("webhook", "POST", PanEndpoints.UpstreamCallbackPath, "application/json", Encoding.UTF8.GetBytes(bodies[i % bodies.Length]),
            [("webhook-id", i % 5 == 0 ? "" : "msg_" + i), ("webhook-timestamp", timestamps[i % timestamps.Length]), ("webhook-signature", i % 2 == 0 ? "v1,abc" : "")]);
    });

    private static HostileRequest Envelope(FuzzEndpoint endpoint, int i)
    {
        string[] txnIds = [@"\ud800", @"a\u0000b", new string('x', 70 + i), "", @"IXP\udfffX", "IXP0000000000000000000001"];
        string[] entities = [@"\udc00", @"\u0000", new string('E', 200), "IXPSBX000001"];
        var req = $"{{\"reqEntityData\":{{\"txnid\":\"{txnIds[i % txnIds.Length]}\",\"reqTs\":\"2026-12-02T10:00:00\",\"entityId\":\"{entities[i % entities.Length]}\"," +
                  "\"returnUrl\":\"https://x.example/r\",\"formData\":\"e30=\"},\"signature\":\"AAAA\"}";
        return new HostileRequest("protean-envelope", "POST", endpoint.Path, "application/x-www-form-urlencoded",
            Encoding.ASCII.GetBytes("req=" + Uri.EscapeDataString(req) + "&action=complete"), []);
    }
}
