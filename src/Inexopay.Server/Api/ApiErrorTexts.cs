namespace Inexopay.Server.Api;

/// <summary>
/// Every message and detail that shared code (not a feature) answers with, in one place so the README, the service
/// catalogue and the tests read the same words. Each is written in the endpoint's own shape (<see cref="ApiErrorShape"/>).
/// </summary>
public static class ApiErrorTexts
{
    public const string EndpointNotFound = "Endpoint not found";
    public const string InternalServerError = "Internal Server Error";
    public const string ServiceUnavailable = "Service temporarily unavailable";
    public const string UnavailableDetail = "The database cannot be reached. Nothing was changed or charged; retry shortly.";
    public const int UnavailableRetryAfterSeconds = 5;

    /// <summary>The contract's 400 wording (PAN endpoints, check_status.php).</summary>
    public const string MissingOrInvalidParameters = "Missing or Invalid Parameters";

    /// <summary>"Method Not Allowed. Use POST." (or "Use GET, HEAD or POST." where an endpoint takes several).</summary>
    public static string MethodNotAllowed(IReadOnlyCollection<string> allowed) => allowed.Count switch
    {
        0 => "Method Not Allowed.",
        1 => $"Method Not Allowed. Use {allowed.First()}.",
        _ => $"Method Not Allowed. Use {string.Join(", ", allowed.SkipLast(1))} or {allowed.Last()}.",
    };

    // Why a body could not be read: the detail of the endpoint's documented 400.
    public const string BodyTooLarge = "The request body is too large.";
    public const string BodyIncomplete = "The request body ended before its declared length (truncated upload).";
    public const string UnsupportedContentType =
        "Send the parameters as form fields (application/x-www-form-urlencoded or multipart/form-data) or as a JSON object (application/json).";
    public const string FormUnreadable =
        "The form data could not be read (malformed or truncated multipart, a missing boundary, too many fields or a key too long).";
    public const string NotJsonObject = "The body is not a well-formed JSON object.";
    public const string NotUtf8 = "A parameter name or value is not valid UTF-8 text (invalid bytes or an unpaired surrogate).";
    public const string ControlCharacters = "A parameter name or value contains a NUL byte or another control character.";
    public const string TooManyFields = "The body has too many fields.";
    public const string KeyTooLong = "A parameter name is too long.";

    public static string NotAString(string name) => $"{name} must be a string, not a JSON object or array.";
}
