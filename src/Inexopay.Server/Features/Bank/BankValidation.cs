using System.Globalization;
using System.Text.RegularExpressions;
using Inexopay.Server.Api;
using Inexopay.Server.Features.Accounts;

namespace Inexopay.Server.Features.Bank;

/// <summary>
/// Reads and checks the bank endpoints' parameters. Every failure names the field; all problems are collected so a
/// reseller fixes a request in one round trip (the first one is the <c>message</c>, all are in <c>errors</c>).
/// Values are normalised as they are read (PAN and agent id upper-cased, account type lower-cased).
/// </summary>
public sealed partial class BankValidation(ApiParams p)
{
    private readonly List<string> _missing = [];
    private readonly Dictionary<string, string> _invalid = new(StringComparer.Ordinal);

    /// <summary>PAN holder types (4th letter): person, company, HUF, firm, AOP, trust, BOI, local authority, AJP, government, LLP.</summary>
    public const string PanHolderTypes = "PCHFATBLJGE";

    public bool Ok => _missing.Count == 0 && _invalid.Count == 0;

    /// <summary>The 400 message: missing parameters first (all of them), else the first invalid one.</summary>
    public string Message => _missing.Count > 0
        ? $"Missing required parameter{(_missing.Count > 1 ? "s" : "")}: {string.Join(", ", _missing)}"
        : _invalid.Values.First();

    public Dictionary<string, object?> Errors
    {
        get
        {
            var errors = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var name in _missing) errors[name] = $"{name} is required";
            foreach (var (name, message) in _invalid) errors[name] = message;
            return errors;
        }
    }

    private string? Required(string name)
    {
        var value = p[name];
        if (value is null) _missing.Add(name);
        return value;
    }

    private void Invalid(string name, string message) => _invalid.TryAdd(name, message);

    public string OrderId(string name = "order_id")
    {
        var v = Required(name);
        if (v is not null && !OrderIdPattern().IsMatch(v))
            Invalid(name, $"{name} must be 1-64 printable characters without spaces");
        return v ?? "";
    }

    public string Pan(string name)
    {
        var v = Required(name)?.ToUpperInvariant();
        if (v is not null && !IsPan(v))
            Invalid(name, $"{name} must be a valid PAN: 5 letters, 4 digits, 1 letter (e.g. AWTPL9909L), 4th letter a holder type ({PanHolderTypes})");
        return v ?? "";
    }

    public static bool IsPan(string v) => PanPattern().IsMatch(v) && PanHolderTypes.Contains(v[3]);

    public string Mobile(string name)
    {
        var v = Required(name);
        if (v is not null && !MobilePattern().IsMatch(v))
            Invalid(name, $"{name} must be a 10-digit Indian mobile number starting with 6, 7, 8 or 9");
        return v ?? "";
    }

    public string Email(string name)
    {
        var v = Required(name);
        if (v is not null && !ResellerAccounts.IsEmail(v)) Invalid(name, $"{name} must be a valid email address");
        return v ?? "";
    }

    public string Pincode(string name)
    {
        var v = Required(name);
        if (v is not null && !PincodePattern().IsMatch(v)) Invalid(name, $"{name} must be a 6-digit Indian pincode not starting with 0");
        return v ?? "";
    }

    /// <summary>A person's name: letters, spaces and . ' - only.</summary>
    public string PersonName(string name, int maxLength, bool optional = false)
    {
        var v = optional ? p[name] : Required(name);
        if (v is null) return "";
        v = CollapseSpaces(v);
        if (v.Length > maxLength) Invalid(name, $"{name} must be at most {maxLength} characters");
        else if (!PersonNamePattern().IsMatch(v)) Invalid(name, $"{name} may contain only letters, spaces and . ' -");
        return v;
    }

    /// <summary>Shop, state and city names: letters, digits, spaces and common punctuation.</summary>
    public string PlaceName(string name, int maxLength)
    {
        var v = Required(name);
        if (v is null) return "";
        v = CollapseSpaces(v);
        if (v.Length > maxLength) Invalid(name, $"{name} must be at most {maxLength} characters");
        else if (!PlaceNamePattern().IsMatch(v)) Invalid(name, $"{name} may contain only letters, digits, spaces and . , ' & ( ) / # -");
        return v;
    }

    public string Address(string name, int maxLength)
    {
        var v = Required(name);
        if (v is null) return "";
        v = CollapseSpaces(v);
        if (v.Length > maxLength) Invalid(name, $"{name} must be at most {maxLength} characters");
        else if (v.Any(char.IsControl)) Invalid(name, $"{name} must not contain control characters");
        return v;
    }

    /// <summary>YYYY-MM-DD, a real date in the past, and the person at least <paramref name="minimumAge"/> years old.</summary>
    public DateOnly DateOfBirth(string name, DateOnly today, int minimumAge)
    {
        var v = Required(name);
        if (v is null) return default;
        if (v.Length != 10 || !DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob))
        {
            Invalid(name, $"{name} must be a real date in YYYY-MM-DD format (e.g. 2000-05-15)");
            return default;
        }
        if (dob >= today) Invalid(name, $"{name} must be a date in the past");
        else if (dob.Year < 1900) Invalid(name, $"{name} must be after 1900-01-01");
        else if (dob.AddYears(minimumAge) > today) Invalid(name, $"{name}: the agent must be at least {minimumAge} years old");
        return dob;
    }

    public string AccountType(string name)
    {
        var v = Required(name)?.ToLowerInvariant();
        if (v is not null && v is not ("saving" or "current")) Invalid(name, $"{name} must be saving or current");
        return v ?? "";
    }

    public string AgentId(string name)
    {
        var v = Required(name)?.ToUpperInvariant();
        if (v is not null && !AgentIdPattern().IsMatch(v)) Invalid(name, $"{name} must be a BC agent id from onboarding (e.g. INEXO0001)");
        return v ?? "";
    }

    private static string CollapseSpaces(string v) => WhitespaceRun().Replace(v.Trim(), " ");

    [GeneratedRegex(@"^[\x21-\x7E]{1,64}$")]
    private static partial Regex OrderIdPattern();

    [GeneratedRegex("^[A-Z]{5}[0-9]{4}[A-Z]$")]
    private static partial Regex PanPattern();

    [GeneratedRegex("^[6-9][0-9]{9}$")]
    private static partial Regex MobilePattern();

    [GeneratedRegex("^[1-9][0-9]{5}$")]
    private static partial Regex PincodePattern();

    [GeneratedRegex(@"^\p{L}[\p{L}\p{M} .'-]*$")]
    private static partial Regex PersonNamePattern();

    [GeneratedRegex(@"^[\p{L}\p{M}0-9][\p{L}\p{M}0-9 .,'&()/#-]*$")]
    private static partial Regex PlaceNamePattern();

    [GeneratedRegex("^[A-Z0-9]{1,32}$")]
    private static partial Regex AgentIdPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();
}
