using System.Text.RegularExpressions;
using Inexopay.Server.Api;
using Inexopay.Server.Storage;

namespace Inexopay.Server.Features.Pan;

/// <summary>A validated request_pan.php call, values normalised (EKYC/ESIGN upper case, new_pan/correction lower case).</summary>
public sealed record PanRequest(string OrderRef, string Mobile, string PanMode, string PanType, string ReturnUrl)
{
    public string Service => PanType == PanTypes.Correction ? Services.PanCorrection : Services.PanNew;
}

public static class PanModes
{
    public const string Ekyc = "EKYC";
    public const string Esign = "ESIGN";
}

public static class PanTypes
{
    public const string NewPan = "new_pan";
    public const string Correction = "correction";
}

/// <summary>The first invalid parameter, named so the reseller can fix it.</summary>
public sealed record ParamError(string Field, string Detail);

public static partial class PanRequestValidation
{
    public const int MaxOrderIdLength = 64;
    public const int MaxReturnUrlLength = 1024;

    public static ParamError? OrderId(string? orderId) =>
        orderId is null ? new ParamError("orderid", "orderid is required")
        : orderId.Length > MaxOrderIdLength ? new ParamError("orderid", $"orderid must be at most {MaxOrderIdLength} characters")
        : orderId.Any(char.IsControl) ? new ParamError("orderid", "orderid must not contain control characters")
        : null;

    public static (PanRequest? Request, ParamError? Error) Validate(ApiParams p)
    {
        if (OrderId(p["orderid"]) is { } orderError) return (null, orderError);
        var mobile = p["number"];
        if (mobile is null) return (null, new ParamError("number", "number is required"));
        if (!MobilePattern().IsMatch(mobile))
            return (null, new ParamError("number", "number must be a 10-digit Indian mobile number starting with 6, 7, 8 or 9"));

        var mode = p["pan_mode"]?.ToUpperInvariant();
        if (mode is null) return (null, new ParamError("pan_mode", "pan_mode is required"));
        if (mode is not (PanModes.Ekyc or PanModes.Esign)) return (null, new ParamError("pan_mode", "pan_mode must be EKYC or ESIGN"));

        var type = p["pan_type"]?.ToLowerInvariant();
        if (type is null) return (null, new ParamError("pan_type", "pan_type is required"));
        if (type is not (PanTypes.NewPan or PanTypes.Correction)) return (null, new ParamError("pan_type", "pan_type must be new_pan or correction"));

        var returnUrl = p["return_url"];
        if (returnUrl is null) return (null, new ParamError("return_url", "return_url is required"));
        if (returnUrl.Length > MaxReturnUrlLength || !IsHttpUrl(returnUrl))
            return (null, new ParamError("return_url", $"return_url must be an absolute http or https URL of at most {MaxReturnUrlLength} characters"));

        return (new PanRequest(p["orderid"]!, mobile, mode, type, returnUrl), null);
    }

    public static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host) && string.IsNullOrEmpty(uri.UserInfo)
        && !url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));

    /// <summary>The last four digits only, for logs and pages.</summary>
    public static string MaskMobile(string mobile) => mobile.Length <= 4 ? "****" : new string('X', mobile.Length - 4) + mobile[^4..];

    [GeneratedRegex("^[6-9][0-9]{9}$")]
    private static partial Regex MobilePattern();
}
