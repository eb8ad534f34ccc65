using Inexopay.Server.Observability;
using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Observability;

public sealed class ObservabilitySpec
{
    [Fact]
    public async Task Metrics_are_prometheus_text_counted_by_route_template()
    {
        using var server = new InexopayServer(TestDatabases.Sqlite);
        var http = server.Http();
        await http.PostFormAsync("/api/balance.php", ("username", "x"));
        await http.PostFormAsync("/api/balance.php", ("username", "x"));

        var text = await http.GetStringAsync("/metrics");

        Assert.Contains("inexopay_http_requests_total{route=\"/api/balance.php\",status=\"400\"} 2", text);
        Assert.Contains("inexopay_http_request_duration_seconds_count{route=\"/api/balance.php\"} 2", text);
        Assert.Matches(@"process_resident_memory_bytes \d+", text);
    }

    [Theory]
    [InlineData("ABCPV1234D", "ABCPV****D")]
    [InlineData("bad", "**********")]
    public void Pan_is_masked_for_logs(string pan, string masked) => Assert.Equal(masked, Pii.Pan(pan));

    [Fact]
    public void Mobile_and_email_are_masked_for_logs()
    {
        Assert.Equal("******3210", Pii.Mobile("9876543210"));
        Assert.Equal("r****@gmail.com", Pii.Email("rahul@gmail.com"));
    }
}
