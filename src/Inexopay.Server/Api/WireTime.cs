using System.Globalization;

namespace Inexopay.Server.Api;

/// <summary>
/// Times on the wire are Indian Standard Time (UTC+05:30, no daylight saving), "yyyy-MM-dd HH:mm:ss", as in the
/// contract's examples and the Indian systems behind it. The database keeps UTC.
/// </summary>
public static class WireTime
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);

    public static string Format(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).Add(Ist).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string? Format(DateTime? utc) => utc is { } v ? Format(v) : null;

    public static string Date(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).Add(Ist).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.Add(Ist));
}
