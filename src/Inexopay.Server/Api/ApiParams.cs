using System.Text.Json;

namespace Inexopay.Server.Api;

/// <summary>
/// The POST parameters of a request, read the same way whether they came form-encoded, as multipart or as a JSON
/// object, because reseller portals send all three. Values are trimmed; empty counts as missing.
/// </summary>
public sealed class ApiParams
{
    private readonly Dictionary<string, string> _values;

    private ApiParams(Dictionary<string, string> values) => _values = values;

    public static readonly ApiParams Empty = new(new Dictionary<string, string>());

    /// <summary>False when the body could not be read as any of the accepted encodings.</summary>
    public bool Malformed { get; private init; }

    public string? this[string name] => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    /// <summary>The reseller's key: <c>api_key</c>, or <c>token</c> where the contract allows it as an alias.</summary>
    public string? ApiKey => this["api_key"] ?? this["token"];

    public string? Username => this["username"];

    public static async Task<ApiParams> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            try
            {
                var form = await request.ReadFormAsync(ct);
                return new ApiParams(form.ToDictionary(f => f.Key, f => f.Value.ToString().Trim(), StringComparer.Ordinal));
            }
            catch (InvalidDataException)
            {
                return new ApiParams([]) { Malformed = true };
            }
        }

        if (request.ContentLength == 0) return Empty;
        var contentType = request.ContentType ?? "";
        if (contentType.Contains("json", StringComparison.OrdinalIgnoreCase) || contentType.Length == 0)
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
                return FromJson(doc.RootElement);
            }
            catch (JsonException)
            {
                return new ApiParams([]) { Malformed = true };
            }
        }
        return new ApiParams([]) { Malformed = true };
    }

    public static ApiParams FromJson(JsonElement root)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object) return new ApiParams(values) { Malformed = true };
        foreach (var property in root.EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!.Trim(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                _ => "",
            };
        }
        return new ApiParams(values);
    }
}
