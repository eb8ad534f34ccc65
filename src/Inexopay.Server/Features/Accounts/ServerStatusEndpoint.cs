using System.Diagnostics;
using System.Globalization;
using Inexopay.Server.Api;
using Inexopay.Server.Providers;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Accounts;

/// <summary>
/// <c>/api/server-status.php</c>: public, real readings of this machine (from /proc on Linux, process figures
/// elsewhere), a measured database round trip as the response speed, and the health of each upstream provider.
/// </summary>
public static class ServerStatusEndpoint
{
    /// <summary>HEAD too: uptime monitors use it (Kestrel sends the headers of the GET answer without its body).</summary>
    public static void MapServerStatus(this IEndpointRouteBuilder app) =>
        app.MapMethods("/api/server-status.php", ["GET", "HEAD", "POST"], ReadAsync);

    private static async Task<IResult> ReadAsync(InexopayDb db, TimeProvider clock, ProviderHealth providers, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var databaseUp = true;
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1", ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            databaseUp = false;
        }
        var speedMs = (int)Math.Ceiling(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        var load = LoadAverage();
        var (ramPercent, ramText) = Memory();
        var (diskPercent, diskText) = Disk();
        var health = !databaseUp ? "Critical"
            : Math.Max(ramPercent, diskPercent) >= 95 || load[0] > Environment.ProcessorCount * 2 || speedMs > 1000 ? "Poor"
            : Math.Max(ramPercent, diskPercent) >= 85 || load[0] > Environment.ProcessorCount || speedMs > 200 ? "Good"
            : "Excellent";

        return Json.Result(200, Json.Object(
            ("status", "success"),
            ("timestamp", WireTime.Format(clock.GetUtcNow().UtcDateTime)),
            ("server_os", OperatingSystem.IsLinux() ? "Linux" : Environment.OSVersion.Platform.ToString()),
            ("stats", Json.Object(
                ("uptime", Uptime()),
                ("cpu_load", string.Join(", ", load.Select(l => l.ToString("0.00", CultureInfo.InvariantCulture)))),
                ("ram_usage", ramText),
                ("disk_usage", diskText),
                ("health", health),
                ("response_speed", $"{speedMs}ms"))),
            ("status_label", databaseUp ? "Online" : "Degraded"),
            ("database", databaseUp ? "up" : "down"),
            ("providers", providers.Snapshot())));
    }

    private static string Uptime()
    {
        var seconds = TryReadProc("/proc/uptime") is { } text && double.TryParse(text.Split(' ')[0], CultureInfo.InvariantCulture, out var s)
            ? s
            : Environment.TickCount64 / 1000.0;
        var span = TimeSpan.FromSeconds(seconds);
        return $"{span.Days} days, {span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}";
    }

    private static double[] LoadAverage()
    {
        var parts = TryReadProc("/proc/loadavg")?.Split(' ');
        if (parts is { Length: >= 3 })
            return parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return [0, 0, 0];
    }

    private static (int Percent, string Text) Memory()
    {
        long total = 0, available = 0;
        foreach (var line in TryReadProc("/proc/meminfo")?.Split('\n') ?? [])
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) continue;
            if (parts[0] == "MemTotal:") total = long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
            if (parts[0] == "MemAvailable:") available = long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
        }
        if (total == 0)
        {
            var info = GC.GetGCMemoryInfo();
            total = info.TotalAvailableMemoryBytes;
            available = total - Environment.WorkingSet;
        }
        return Usage(total - available, total);
    }

    private static (int Percent, string Text) Disk()
    {
        try
        {
            var drive = new DriveInfo(Path.GetPathRoot(Path.GetFullPath(AppContext.BaseDirectory))!);
            return Usage(drive.TotalSize - drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (0, "unknown");
        }
    }

    private static (int Percent, string Text) Usage(long used, long total)
    {
        const double Gb = 1024.0 * 1024 * 1024;
        var percent = total == 0 ? 0 : (int)Math.Round(100.0 * used / total);
        return (percent, string.Create(CultureInfo.InvariantCulture, $"{percent}% (Used: {used / Gb:0.0} GB / Total: {total / Gb:0.0} GB)"));
    }

    private static string? TryReadProc(string path)
    {
        try
        {
            return OperatingSystem.IsLinux() && File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
