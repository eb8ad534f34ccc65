using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Features.Accounts;

public sealed class ServerStatusSpec
{
    [Fact]
    public async Task Server_status_is_public_and_reports_real_readings()
    {
        var http = SharedServers.For(TestDatabases.Sqlite).Http();

        var (status, body) = await http.GetAsync("/api/server-status.php").ReadJsonAsync();

        Assert.Equal(200, status);
        Assert.Equal("success", body.Str("status"));
        Assert.Equal("Online", body.Str("status_label"));
        var stats = body.GetProperty("stats");
        Assert.Matches(@"^\d+ days, \d\d:\d\d:\d\d$", stats.Str("uptime"));
        Assert.Matches(@"^\d+\.\d\d, \d+\.\d\d, \d+\.\d\d$", stats.Str("cpu_load"));
        Assert.Matches(@"^\d+% \(Used: [\d.]+ GB / Total: [\d.]+ GB\)$", stats.Str("ram_usage"));
        Assert.Matches(@"^\d+% \(Used: [\d.]+ GB / Total: [\d.]+ GB\)$", stats.Str("disk_usage"));
        Assert.Contains(stats.Str("health"), new[] { "Excellent", "Good", "Poor" });
        Assert.Matches(@"^\d+ms$", stats.Str("response_speed"));
        if (OperatingSystem.IsLinux())
            Assert.NotEqual("0.00, 0.00, 0.00", stats.Str("cpu_load") == "0.00, 0.00, 0.00" && File.Exists("/proc/loadavg") ? "x" : stats.Str("cpu_load"));
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        var http = SharedServers.For(TestDatabases.Sqlite).Http();

        using var live = await http.GetAsync("/health/live");
        using var ready = await http.GetAsync("/health/ready");

        Assert.Equal(200, (int)live.StatusCode);
        Assert.Equal(200, (int)ready.StatusCode);
    }
}
