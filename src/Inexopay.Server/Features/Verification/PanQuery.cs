using System.Globalization;
using System.Text.Json;

namespace Inexopay.Server.Features.Verification;

/// <summary>A validated verification request: PAN upper-cased, names trimmed, date parsed.</summary>
public sealed record PanQuery(string Pan, string Name, string Dob, DateOnly DateOfBirth, string? FatherName)
{
    /// <summary>The JSON body sent upstream (HyperVerge's field names; fatherName only when given).</summary>
    public Dictionary<string, string> ToUpstreamBody()
    {
        var body = new Dictionary<string, string> { ["pan"] = Pan, ["name"] = Name, ["dob"] = Dob };
        if (FatherName is not null) body["fatherName"] = FatherName;
        return body;
    }
}

/// <summary>
/// Validation of the headers and body of <c>/v1/NSDLPanVerificationDirect</c>. Fields are checked in the order
/// transactionId → pan → name → fatherName → dob, and the first failure is answered with its catalogue error.
/// <list type="bullet">
/// <item>transactionId: 1–64 characters (our order id column), letters, digits and <c>- _ . : /</c>.</item>
/// <item>pan: trimmed and upper-cased (PANs are case-insensitive; "abcpv1234d" is accepted and answered as
/// "ABCPV1234D"), then <c>AAAAA9999A</c> with a valid holder-type 4th letter (P C H F A T B L J G, E for LLP).
/// The check letter has no published algorithm, so only the format is checked.</item>
/// <item>name, fatherName: trimmed, 1–85 characters, ASCII letters, spaces, dots, apostrophes and hyphens, at least
/// one letter. fatherName is optional: absent, null or blank means "not sent" (fathername answers "").</item>
/// <item>dob: strictly DD/MM/YYYY, a real date, not in the future (India time), not before 1900.</item>
/// </list>
/// Values of another JSON type than string (a number for pan, say), or strings that are not valid text (invalid
/// UTF-8, an unpaired surrogate, a control character), are invalid for that field.
/// </summary>
public static class PanQueryValidator
{
    public const int MaxTransactionIdLength = 64;
    public const int MaxNameLength = 85;
    private const string HolderTypes = "PCHFATBLJGE";
    private static readonly TimeSpan IndiaOffset = TimeSpan.FromMinutes(330);

    public static bool IsValidTransactionId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxTransactionIdLength) return false;
        foreach (var c in id)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':' or '/')) return false;
        return true;
    }

    public static bool IsValidPan(string pan)
    {
        if (pan.Length != 10) return false;
        for (var i = 0; i < 10; i++)
        {
            var c = pan[i];
            var ok = i is >= 5 and <= 8 ? char.IsAsciiDigit(c) : char.IsAsciiLetterUpper(c);
            if (!ok) return false;
        }
        return HolderTypes.Contains(pan[3]);
    }

    public static bool IsValidName(string name)
    {
        if (name.Length is 0 or > MaxNameLength) return false;
        var letters = 0;
        foreach (var c in name)
        {
            if (char.IsAsciiLetter(c)) letters++;
            else if (c is not (' ' or '.' or '\'' or '-')) return false;
        }
        return letters > 0;
    }

    public static bool TryParseDob(string dob, DateTimeOffset now, out DateOnly date)
    {
        date = default;
        if (dob.Length != 10 || dob[2] != '/' || dob[5] != '/') return false;
        if (!DateOnly.TryParseExact(dob, "dd/MM/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)) return false;
        var today = DateOnly.FromDateTime(now.ToOffset(IndiaOffset).DateTime);
        return date.Year >= 1900 && date <= today;
    }

    /// <summary>Validates the body; returns the catalogue error of the first invalid field, or the query.</summary>
    public static CatalogueError? Validate(JsonElement body, DateTimeOffset now, out PanQuery? query)
    {
        query = null;
        if (!TryString(body, "pan", out var pan) || pan is null) return Catalogue.PanInvalid;
        pan = pan.Trim().ToUpperInvariant();
        if (!IsValidPan(pan)) return Catalogue.PanInvalid;

        if (!TryString(body, "name", out var name) || name is null) return Catalogue.NameInvalid;
        name = name.Trim();
        if (!IsValidName(name)) return Catalogue.NameInvalid;

        if (!TryString(body, "fatherName", out var father)) return Catalogue.FatherNameInvalid;
        father = string.IsNullOrWhiteSpace(father) ? null : father.Trim();
        if (father is not null && !IsValidName(father)) return Catalogue.FatherNameInvalid;

        if (!TryString(body, "dob", out var dob) || dob is null) return Catalogue.DobInvalid;
        dob = dob.Trim();
        if (!TryParseDob(dob, now, out var date)) return Catalogue.DobInvalid;

        query = new PanQuery(pan, name, dob, date, father);
        return null;
    }

    /// <summary>False when the property exists with a type other than string or null.</summary>
    private static bool TryString(JsonElement body, string name, out string? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var property)) return true;
        switch (property.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    value = property.GetString();
                    return Api.ApiParams.TextProblem(value!) is null;
                }
                catch (InvalidOperationException)
                {
                    return false; // invalid UTF-8 or an unpaired surrogate escape ("\ud800")
                }
            case JsonValueKind.Null:
                return true;
            default:
                return false;
        }
    }
}
