using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Inexopay.Server.Api;

/// <summary>
/// The POST parameters of a request, read the same way whether they came form-encoded, as multipart or as a JSON
/// object, because reseller portals send all three. Values are trimmed; empty (or JSON null) counts as missing;
/// JSON numbers and booleans are taken as their text (PHP's json_encode sends a mobile number as a number).
/// A body that cannot be read never throws: <see cref="Problem"/> says why, and the endpoint answers its documented
/// 400 with <see cref="ApiErrorHandling.UnreadableBody"/> (which also logs the one warning line). Unreadable means: over <see cref="MaxBodyBytes"/>, truncated, malformed or boundary-less multipart, more than
/// <see cref="MaxFields"/> fields, a name over <see cref="MaxKeyLength"/> characters, invalid UTF-8 or an unpaired
/// surrogate, a NUL or another control character (tab and line breaks excepted) in a name or value, a JSON body that
/// is not an object or has an object or array as a value, or a content type other than form, multipart or JSON.
/// </summary>
public sealed class ApiParams
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxFields = 128;
    public const int MaxKeyLength = 256;

    private static readonly FormOptions FormLimits = new()
    {
        ValueCountLimit = MaxFields,
        KeyLengthLimit = MaxKeyLength,
        ValueLengthLimit = MaxBodyBytes,
        MultipartBodyLengthLimit = MaxBodyBytes,
        MultipartHeadersCountLimit = 16,
        MultipartHeadersLengthLimit = 8 * 1024,
    };

    private static readonly JsonDocumentOptions JsonLimits = new() { MaxDepth = 16 };

    private readonly Dictionary<string, string> _values;

    private ApiParams(Dictionary<string, string> values) => _values = values;

    public static readonly ApiParams Empty = new(new Dictionary<string, string>());

    /// <summary>Why the body could not be read (one of <see cref="ApiErrorTexts"/>' details), or null.</summary>
    public string? Problem { get; private init; }

    /// <summary>True when the body could not be read as any of the accepted encodings (see <see cref="Problem"/>).</summary>
    public bool Malformed => Problem is not null;

    public string? this[string name] => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    /// <summary>The reseller's key: <c>api_key</c>, or <c>token</c> where the contract allows it as an alias.</summary>
    public string? ApiKey => this["api_key"] ?? this["token"];

    public string? Username => this["username"];

    private static ApiParams Unreadable(string problem) => new([]) { Problem = problem };

    public static async Task<ApiParams> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit
            && (limit.MaxRequestBodySize is null || limit.MaxRequestBodySize > MaxBodyBytes))
            limit.MaxRequestBodySize = MaxBodyBytes;
        try
        {
            if (request.HasFormContentType) return FromForm(await request.ReadFormAsync(FormLimits, ct));
            if (request.ContentLength == 0 || request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false) return Empty;
            var contentType = request.ContentType ?? "";
            if (contentType.Length > 0 && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
                return Unreadable(ApiErrorTexts.UnsupportedContentType);
            return await ReadJsonAsync(request, ct);
        }
        catch (BadHttpRequestException e)
        {
            return Unreadable(e.StatusCode == StatusCodes.Status413PayloadTooLarge ? ApiErrorTexts.BodyTooLarge : ApiErrorTexts.BodyIncomplete);
        }
        catch (InvalidDataException)
        {
            // The form reader's verdict on malformed multipart, a missing boundary and its count/length limits.
            return Unreadable(ApiErrorTexts.FormUnreadable);
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            // Multipart that stops in the middle of a section.
            return Unreadable(ApiErrorTexts.FormUnreadable);
        }
        catch (DecoderFallbackException)
        {
            return Unreadable(ApiErrorTexts.NotUtf8);
        }
    }

    private static ApiParams FromForm(IFormCollection form)
    {
        var values = new Dictionary<string, string>(form.Count, StringComparer.Ordinal);
        foreach (var (key, value) in form)
        {
            var text = value.ToString();
            if ((TextProblem(key) ?? TextProblem(text)) is { } problem) return Unreadable(problem);
            values[key] = text.Trim();
        }
        return new ApiParams(values);
    }

    private static async Task<ApiParams> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        // Buffered (the body limit keeps it small) so that an empty or whitespace-only body counts as no parameters.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty) return Empty;
        try
        {
            using var doc = JsonDocument.Parse(bytes, JsonLimits);
            return FromJson(doc.RootElement);
        }
        catch (JsonException)
        {
            return Unreadable(System.Text.Unicode.Utf8.IsValid(bytes.Span) ? ApiErrorTexts.NotJsonObject : ApiErrorTexts.NotUtf8);
        }
    }

    public static ApiParams FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return Unreadable(ApiErrorTexts.NotJsonObject);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var property in root.EnumerateObject())
            {
                // Names and string values are decoded here, where invalid UTF-8 and unpaired surrogates surface.
                var name = property.Name;
                if (values.Count >= MaxFields) return Unreadable(ApiErrorTexts.TooManyFields);
                if (name.Length > MaxKeyLength) return Unreadable(ApiErrorTexts.KeyTooLong);
                var value = property.Value;
                string? text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                    JsonValueKind.Null => "",
                    _ => null,
                };
                if (text is null) return Unreadable(ApiErrorTexts.NotAString(Printable(name)));
                if ((TextProblem(name) ?? TextProblem(text)) is { } problem) return Unreadable(problem);
                values[name] = text.Trim();
            }
        }
        catch (InvalidOperationException)
        {
            return Unreadable(ApiErrorTexts.NotUtf8);
        }
        return new ApiParams(values);
    }

    /// <summary>
    /// Why a decoded name or value is not text a parameter may hold: a control character (tab, CR and LF are fine in
    /// an address), an unpaired surrogate, or U+FFFD, which is what the form reader makes of invalid UTF-8.
    /// </summary>
    public static string? TextProblem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < ' ' ? c is not ('\t' or '\r' or '\n') : c == '\u007F') return ApiErrorTexts.ControlCharacters;
            if (c == '\uFFFD') return ApiErrorTexts.NotUtf8;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(c)) return ApiErrorTexts.NotUtf8;
        }
        return null;
    }

    /// <summary>A client's name for a field, safe to echo in a message: control characters out, at most 64 characters.</summary>
    private static string Printable(string name)
    {
        var clean = new string(name.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c).Take(64).ToArray());
        return name.Length > 64 ? clean + "…" : clean;
    }
}
