namespace Inexopay.Server.Features.Verification;

/// <summary>One error of the HyperVerge NSDL PAN Direct catalogue: its HTTP status and exact message.</summary>
public sealed record CatalogueError(int StatusCode, string Message)
{
    /// <summary>The two catalogue errors whose body carries no <c>metaData</c> in the contract.</summary>
    public bool HasMetaData => this != Catalogue.MissingCredentials && this != Catalogue.SystemFailure;
}

/// <summary>The contract's error catalogue (spec/hyperverge-nsdl-pan-direct.txt), word for word.</summary>
public static class Catalogue
{
    public static readonly CatalogueError PanInvalid = new(400, "PAN Number invalid (too long, null, or special characters)");
    public static readonly CatalogueError WrongCertificate = new(400, "User ID does not exist in database, Wrong certificate used, or ID is invalid");
    public static readonly CatalogueError IncorrectPrivateKey = new(400, "Incorrect private key or certificate are used for signing");
    public static readonly CatalogueError NameInvalid = new(400, "Name of PAN holder is invalid (length or special chars)");
    public static readonly CatalogueError FatherNameInvalid = new(400, "Father's name is invalid (length or special chars)");
    public static readonly CatalogueError DobInvalid = new(400, "Date of Birth format is incorrect it should be separated with slash (/) and in format of (DD/MM/YYYY) or Value is Null");
    public static readonly CatalogueError TransactionIdInvalid = new(400, "Transaction ID invalid (too long or null)");
    public static readonly CatalogueError MissingCredentials = new(401, "Missing/Invalid credentials");
    public static readonly CatalogueError AuthenticationFailure = new(401, "Authentication Failure");
    public static readonly CatalogueError UserNotAuthorized = new(403, "User not authorized");
    public static readonly CatalogueError UserValidityExpired = new(403, "User validity has expired");
    public static readonly CatalogueError CrlExpired = new(403, "Certificate Revocation List issued by Certifying Authorities is expired");
    public static readonly CatalogueError UserIdDeactivated = new(403, "User ID Deactivated");
    public static readonly CatalogueError DuplicateTransactionId = new(409, "Duplicate Transaction ID entered");
    public static readonly CatalogueError SystemError = new(500, "System Error");
    public static readonly CatalogueError SystemFailure = new(500, "System Failure or common error message for request");

    public static readonly IReadOnlyList<CatalogueError> All =
    [
        PanInvalid, WrongCertificate, IncorrectPrivateKey, NameInvalid, FatherNameInvalid, DobInvalid, TransactionIdInvalid,
        MissingCredentials, AuthenticationFailure, UserNotAuthorized, UserValidityExpired, CrlExpired, UserIdDeactivated,
        DuplicateTransactionId, SystemError, SystemFailure,
    ];

    /// <summary>The catalogue entry with this status and message, or null when the answer is not one of them.</summary>
    public static CatalogueError? Find(int statusCode, string? message) =>
        All.FirstOrDefault(e => e.StatusCode == statusCode && string.Equals(e.Message, message, StringComparison.Ordinal));
}

/// <summary>Income Tax (Protean) texts used in <c>panStatus</c> and <c>seedingStatus</c>.</summary>
public static class PanTexts
{
    public const string ExistingAndValid = "Existing and Valid";
    public const string Fake = "Marked as Fake";
    public const string Deactivated = "Marked as Deactivated";
    public const string Deleted = "Deleted";
    public const string Invalid = "Invalid PAN";

    /// <summary>Protean codes EA…EU: "Existing and Valid" with an event recorded by the Income Tax Department.</summary>
    public static string WithEvent(string evt) => $"Existing and Valid. but event marked as {evt} in ITD database";

    public const string Operative = "Operative PAN";
    public const string Inoperative = "Inoperative PAN";
    public const string NotApplicable = "Not Applicable";
}

/// <summary>PANs are personal data: logs and stored requests only ever see <c>ABCPV****D</c>.</summary>
public static class PanMask
{
    public static string Mask(string? pan)
    {
        if (string.IsNullOrEmpty(pan)) return "";
        return pan.Length == 10 ? string.Concat(pan.AsSpan(0, 5), "****", pan.AsSpan(9, 1)) : new string('*', Math.Min(pan.Length, 10));
    }
}
