using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Inexopay.Server.Api;
using Inexopay.Server.Features.Bank;
using Inexopay.Server.Features.Pan;
using Inexopay.Server.Features.Verification;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Observability;
using Inexopay.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Inexopay.Tests.Api;

/// <summary>
/// Issue 9 item 4: the answers shared code gives in each endpoint's own shape: the JSON 405 with <c>Allow</c> for every
/// other method, the JSON 404 of unknown paths, the documented 400 of an unreadable body, the JSON 503 of a
/// database outage (nothing charged, /health/ready 503), and the rate-limited warning line of a rejected request.
/// </summary>
public sealed class ErrorShapesSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private static readonly string[] OtherMethods = ["OPTIONS", "HEAD", "TRACE", "PUT", "PATCH", "DELETE", "GET"];

    [Theory, MemberData(nameof(Providers))]
    public async Task Every_other_method_on_a_post_endpoint_is_a_json_405_with_allow_post(string provider)
    {
        var http = SharedServers.For(provider).Http();
        foreach (var endpoint in HostileRequests.Endpoints)
            foreach (var method in OtherMethods)
            {
                using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), endpoint.Path));
                var body = await response.Content.ReadAsStringAsync();

                Assert.True(405 == (int)response.StatusCode, $"{method} {endpoint.Path}: {(int)response.StatusCode}");
                Assert.Equal("POST", string.Join(", ", response.Content.Headers.Allow));
                if (method == "HEAD") continue; // the headers of the answer, without its body
                Assert.True(HostileInputSpec.CheckShape(endpoint.Family, 405, response.Content.Headers.ContentType, body) is null, $"{method} {endpoint.Path}: {body}");
            }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Server_status_answers_get_head_and_post_and_names_them_in_its_405(string provider)
    {
        var http = SharedServers.For(provider).Http();

        foreach (var method in new[] { "GET", "HEAD", "POST" })
        {
            using var ok = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/api/server-status.php"));
            Assert.Equal(200, (int)ok.StatusCode);
        }
        using var put = await http.PutAsync("/api/server-status.php", null);
        Assert.Equal(405, (int)put.StatusCode);
        Assert.Equal(["GET", "HEAD", "POST"], put.Content.Headers.Allow.Order());
        Assert.Equal("Method Not Allowed. Use GET, HEAD or POST.", (await put.Content.ReadFromJsonAsync<JsonElement>()).Str("message"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Unknown_paths_are_a_json_404_in_the_shape_of_their_neighbours(string provider)
    {
        var http = SharedServers.For(provider).Http();
        foreach (var (path, family) in HostileRequests.Unknown)
            foreach (var method in new[] { "GET", "POST", "DELETE" })
            {
                using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
                var body = await response.Content.ReadAsStringAsync();

                Assert.True(404 == (int)response.StatusCode, $"{method} {path}: {(int)response.StatusCode}");
                Assert.True(HostileInputSpec.CheckShape(family, 404, response.Content.Headers.ContentType, body) is null, $"{method} {path}: {body}");
            }
        using var v1 = await http.GetAsync("/v1/nothing-here");
        Assert.Equal(ApiErrorTexts.EndpointNotFound, (await v1.Content.ReadFromJsonAsync<JsonElement>()).Str("message"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_unreadable_body_is_the_endpoints_documented_400_with_the_reason(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();
        var surrogate = $$"""{"username":"{{shop.Username}}","api_key":"{{shop.TestApiKey}}","orderid":"\ud800"}""";

        async Task<JsonElement> PostAsync(string path, string contentType, byte[] body)
        {
            var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            using var response = await http.PostAsync(path, content);
            Assert.Equal(400, (int)response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var balance = await PostAsync("/api/balance.php", "application/json", Encoding.UTF8.GetBytes(surrogate));
        var status = await PostAsync(PanEndpoints.StatusPath, "multipart/form-data", "--x\r\n"u8.ToArray());
        var bank = await PostAsync(BankModule.StatusPath, "application/json", Encoding.ASCII.GetBytes($$"""{"username":"{{shop.Username}}","order_id":"A\u0000B"}"""));
        var nulInForm = await PostAsync(BankModule.StatusPath, "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes($"username={shop.Username}&order_id=A%00B"));
        var check = await PostAsync("/api/check_status.php", "text/plain", "hello"u8.ToArray());

        Assert.Equal(("FAILED", 400, "Missing or Invalid Parameters (api_key and username both required)", ApiErrorTexts.NotUtf8),
            (balance.Str("status"), balance.GetProperty("error_code").GetInt32(), balance.Str("message"), balance.Str("detail")));
        Assert.Equal((400, PanEndpoints.MissingOrInvalid, ApiErrorTexts.FormUnreadable),
            (status.GetProperty("status_code").GetInt32(), status.Str("message"), status.Str("detail")));
        Assert.Equal((false, 400, BankModule.MalformedBody, ApiErrorTexts.ControlCharacters),
            (bank.GetProperty("status").GetBoolean(), bank.GetProperty("error_code").GetInt32(), bank.Str("message"), bank.Str("detail")));
        Assert.Equal(ApiErrorTexts.UnsupportedContentType, check.Str("detail"));
        Assert.Equal(BankModule.MalformedBody, nulInForm.Str("message"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_verification_body_that_cannot_be_read_is_the_catalogue_row_of_the_field_that_cannot_be_read(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();

        async Task<JsonElement> SendAsync(string json)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, PanVerificationEndpoint.Path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Add("appId", shop.Username);
            request.Headers.Add("appKey", shop.TestApiKey);
            request.Headers.Add("transactionId", "unreadable-" + Guid.NewGuid().ToString("N")[..8]);
            using var response = await http.SendAsync(request);
            Assert.Equal(400, (int)response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var name = await SendAsync("""{"pan":"ABCPV1234D","name":"RAHUL \ud800","dob":"15/05/1990"}""");
        var father = await SendAsync("""{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","fatherName":"\udfff","dob":"15/05/1990"}""");
        var key = await SendAsync("""{"pan":"ABCPV1234D","\ud800":"x","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}""");

        Assert.Equal(Catalogue.NameInvalid.Message, name.Str("message"));
        Assert.Equal(Catalogue.FatherNameInvalid.Message, father.Str("message"));
        Assert.Equal((Catalogue.PanInvalid.Message, ApiErrorTexts.NotUtf8), (key.Str("message"), key.Str("reason")));
        Assert.True(key.TryGetProperty("metaData", out _));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_database_outage_is_a_json_503_in_each_endpoints_shape_nothing_is_charged_and_ready_is_503(string provider)
    {
        var directory = Path.Combine(Path.GetTempPath(), "inexopay-outage-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = provider == TestDatabases.Sqlite
            ? new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(directory, "db.sqlite")}" }
            : null;
        using var server = new InexopayServer(provider, settings);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();
        var form = new Dictionary<string, string> { ["username"] = shop.Username, ["api_key"] = shop.TestApiKey, ["orderid"] = "ORD1", ["order_id"] = "ORD1" };

        await using (var outage = await Outage.StartAsync(server, directory))
        {
            var balance = await PostAsync(http, "/api/balance.php", form);
            var panStatus = await PostAsync(http, PanEndpoints.StatusPath, form);
            var bank = await PostAsync(http, BankModule.StatusPath, form);
            using var verify = new HttpRequestMessage(HttpMethod.Post, PanVerificationEndpoint.Path)
            {
                Content = new StringContent("""{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}""", Encoding.UTF8, "application/json"),
            };
            verify.Headers.Add("appId", shop.Username);
            verify.Headers.Add("appKey", shop.TestApiKey);
            verify.Headers.Add("transactionId", "outage-1");
            using var verification = await http.SendAsync(verify);
            var hv = await verification.Content.ReadFromJsonAsync<JsonElement>();
            using var ready = await http.GetAsync("/health/ready");

            Assert.Equal((503, "FAILED", ApiErrorTexts.ServiceUnavailable), (balance.Status, balance.Body.Str("status"), balance.Body.Str("message")));
            Assert.Equal(503, balance.Body.GetProperty("error_code").GetInt32());
            Assert.Equal(ApiErrorTexts.UnavailableRetryAfterSeconds, (int)balance.RetryAfter!.Value.TotalSeconds);
            Assert.Equal((503, 503), (panStatus.Status, panStatus.Body.GetProperty("status_code").GetInt32()));
            Assert.Equal((503, false, 503), (bank.Status, bank.Body.GetProperty("status").GetBoolean(), bank.Body.GetProperty("error_code").GetInt32()));
            Assert.Equal((503, 503, "failure", Catalogue.SystemFailure.Message),
                ((int)verification.StatusCode, hv.GetProperty("statusCode").GetInt32(), hv.Str("status"), hv.Str("message")));
            Assert.Equal(503, (int)ready.StatusCode);
        }

        var after = await PostAsync(http, "/api/balance.php", form);
        Assert.Equal((200, shop.TestBalancePaise), (after.Status, (long)(after.Body.GetProperty("balance").GetDecimal() * 100)));
        Assert.Equal(200, (int)(await http.GetAsync("/health/ready")).StatusCode);
        var audit = await server.WithScopeAsync(sp => sp.GetRequiredService<WalletAdmin>().AuditAsync());
        Assert.All(audit, check => Assert.True(check.Consistent, string.Join("; ", check.Problems)));
    }

    [Fact]
    public void Rejections_are_logged_one_short_line_each_and_at_most_sixty_a_minute()
    {
        var clock = new ManualClock();
        var logger = new CapturingLogger();
        var log = new RejectionLog(logger, clock);
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Path = "/api/balance.php\nforged line";

        for (var i = 0; i < 100; i++) log.Rejected(http, 400, ApiErrorTexts.NotUtf8);
        clock.Advance(TimeSpan.FromMinutes(1));
        log.Rejected(http, 400, ApiErrorTexts.NotUtf8);

        Assert.Equal(RejectionLog.LinesPerMinute + 1, logger.Lines.Count);
        Assert.All(logger.Lines, line => Assert.DoesNotContain('\n', line.Text));
        Assert.All(logger.Lines, line => Assert.Equal((LogLevel.Warning, null), (line.Level, line.Exception)));
        Assert.EndsWith("(40 similar lines held back)", logger.Lines[^1].Text);
    }

    private static async Task<(int Status, JsonElement Body, TimeSpan? RetryAfter)> PostAsync(HttpClient http, string path, Dictionary<string, string> form)
    {
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(form));
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.RetryAfter?.Delta);
    }

    /// <summary>
    /// Takes the server's database away: PostgreSQL refuses new connections to it and its open ones are terminated;
    /// the SQLite file's folder disappears (as with a lost volume) and idle pooled connections are dropped.
    /// </summary>
    private sealed class Outage : IAsyncDisposable
    {
        private readonly Func<Task> _restore;

        private Outage(Func<Task> restore) => _restore = restore;

        public static async Task<Outage> StartAsync(InexopayServer server, string sqliteDirectory)
        {
            if (server.Provider == TestDatabases.Sqlite)
            {
                var gone = sqliteDirectory + ".gone";
                Directory.Move(sqliteDirectory, gone);
                SqliteConnection.ClearAllPools();
                return new Outage(() =>
                {
                    Directory.Move(gone, sqliteDirectory);
                    return Task.CompletedTask;
                });
            }
            var database = new NpgsqlConnectionStringBuilder(server.Configuration["ConnectionStrings:Default"]).Database!;
            await AdminAsync($"ALTER DATABASE {database} ALLOW_CONNECTIONS false");
            await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
            return new Outage(() => AdminAsync($"ALTER DATABASE {database} ALLOW_CONNECTIONS true"));
        }

        private static async Task AdminAsync(string sql)
        {
            await using var admin = new NpgsqlConnection(TestDatabases.PostgresServer);
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand(sql, admin);
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _restore();
            NpgsqlConnection.ClearAllPools();
        }
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class CapturingLogger : ILogger<RejectionLog>
    {
        public List<(LogLevel Level, string Text, Exception? Exception)> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception), exception));
    }
}
