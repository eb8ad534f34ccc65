namespace Inexopay.Server.Api;

/// <summary>
/// Builds the JSON bodies of the contract. Field order follows the spec's examples, so a body is written as an
/// ordered list of fields rather than a class per response.
/// </summary>
public static class Json
{
    public static Dictionary<string, object?> Object(params (string Name, object? Value)[] fields)
    {
        var body = new Dictionary<string, object?>(fields.Length);
        foreach (var (name, value) in fields) body[name] = value;
        return body;
    }

    public static IResult Result(int statusCode, Dictionary<string, object?> body, int retryAfterSeconds = 0) =>
        new JsonBodyResult(statusCode, body, retryAfterSeconds);

    private sealed class JsonBodyResult(int statusCode, object body, int retryAfterSeconds) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            if (retryAfterSeconds > 0) http.Response.Headers.RetryAfter = retryAfterSeconds.ToString();
            return Results.Json(body, statusCode: statusCode).ExecuteAsync(http);
        }
    }
}

/// <summary>Rupees for the wire: paise × 0.01m keeps exactly two decimals (1250.50, not 1250.5).</summary>
public static class Money
{
    public static decimal Rupees(long paise) => paise * 0.01m;

    /// <summary>Parses "1000", "99.5" or "99.50"; more than two decimals, negatives or junk are rejected.</summary>
    public static bool TryParsePaise(string? text, out long paise)
    {
        paise = 0;
        if (!decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var rupees))
            return false;
        var scaled = rupees * 100m;
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue / 2) return false;
        paise = (long)scaled;
        return true;
    }
}
