using Inexopay.Server.Features.Sandbox;

namespace Inexopay.Server.Features.Verification;

/// <summary>A PAN on record in the sandbox's simulated Income Tax database.</summary>
public sealed record SandboxPanRecord(string Pan, string Name, string? FatherName, string Dob, string PanStatus, string SeedingStatus);

/// <summary>A magic PAN that makes the simulated upstream answer one of its documented errors.</summary>
public sealed record SandboxUpstreamError(string Pan, CatalogueError Error, string Cause);

/// <summary>
/// The sandbox behind test keys: a simulator of Protean's online PAN inquiry, answered in HyperVerge's shape.
/// Registered PANs answer their record (name and father's name compared with <see cref="IndianNameMatcher"/>, the date
/// of birth exactly); magic PANs make the simulated upstream fail with each error of the catalogue (refunded, since
/// an upstream failure is not the reseller's fault) or answer slowly; any other well-formed PAN is "Invalid PAN"
/// (N for name and date of birth, N for the father's name when one was sent, no seeding status), and is charged like
/// any answered verification.
/// </summary>
public sealed class PanSandbox(IConfiguration config) : ISandboxTestData
{
    private static readonly SandboxPanRecord[] Records =
    [
        new("ABCPV1234D", "RAHUL KUMAR SHARMA", "SURESH KUMAR SHARMA", "15/05/1990", PanTexts.ExistingAndValid, PanTexts.Operative),
        new("BNZPM2501F", "PRIYA MEHTA", "ANIL MEHTA", "01/01/1985", PanTexts.ExistingAndValid, PanTexts.Inoperative),
        new("AAACI1234G", "INEXO TECHNOLOGIES PRIVATE LIMITED", null, "12/03/2015", PanTexts.ExistingAndValid, PanTexts.NotApplicable),
        new("FKZPF0001K", "RAVI FAKE", null, "01/01/1980", PanTexts.Fake, PanTexts.NotApplicable),
        new("DXVPS4821K", "SUNITA SHARMA", "RAMESH CHANDRA SHARMA", "10/10/1975", PanTexts.Deactivated, PanTexts.Inoperative),
        new("DLTPK3307M", "VIKRAM KULKARNI", "MADHAV KULKARNI", "22/07/1968", PanTexts.Deleted, PanTexts.NotApplicable),
        new("AABCA1001A", "ASHOKA CEMENTS LIMITED", null, "01/04/1998", PanTexts.WithEvent("Amalgamation"), PanTexts.NotApplicable),
        new("AABCB1002B", "BHARAT LOGISTICS PRIVATE LIMITED", null, "15/06/2005", PanTexts.WithEvent("Acquisition"), PanTexts.NotApplicable),
        new("AFDPN1003C", "NARAYAN DAS", "GOPAL DAS", "20/02/1940", PanTexts.WithEvent("Death"), PanTexts.Inoperative),
        new("AAAFD1004D", "DESAI AND SONS", null, "05/11/1992", PanTexts.WithEvent("Dissolution"), PanTexts.NotApplicable),
        new("AABCL1005E", "LOTUS TEXTILES LIMITED", null, "18/08/1987", PanTexts.WithEvent("Liquidated"), PanTexts.NotApplicable),
        new("AABCM1006F", "MAHALAXMI FINANCE LIMITED", null, "30/01/2001", PanTexts.WithEvent("Merger"), PanTexts.NotApplicable),
        new("AAAHR1007G", "RAMESH PATEL HUF", null, "14/04/1995", PanTexts.WithEvent("Partition"), PanTexts.NotApplicable),
        new("AABCS1008H", "SUNRISE AGRO PRIVATE LIMITED", null, "09/09/2010", PanTexts.WithEvent("Split"), PanTexts.NotApplicable),
        new("AABCU1009J", "UNITED POLYMERS LIMITED", null, "25/12/1979", PanTexts.WithEvent("Under Liquidation"), PanTexts.NotApplicable),
    ];

    /// <summary>Answers like a registered PAN, after <see cref="SlowAnswer"/>: for testing client timeouts.</summary>
    public static readonly SandboxPanRecord SlowRecord =
        new("AAAPZ3000S", "SANDBOX SLOW ANSWER", null, "01/01/1990", PanTexts.ExistingAndValid, PanTexts.Operative);

    private static readonly SandboxUpstreamError[] UpstreamErrors =
    [
        new("AAAPZ5001S", Catalogue.SystemError, "internal error at Protean"),
        new("AAAPZ4011A", Catalogue.AuthenticationFailure, "Protean rejected the signing certificate"),
        new("AAAPZ4031U", Catalogue.UserNotAuthorized, "the platform's user id is not registered with Protean"),
        new("AAAPZ4032V", Catalogue.UserValidityExpired, "the platform's Protean user id has expired"),
        new("AAAPZ4033C", Catalogue.CrlExpired, "the certifying authority's revocation list has expired"),
        new("AAAPZ4034D", Catalogue.UserIdDeactivated, "the platform's Protean user id is deactivated"),
        new("AAAPZ4001W", Catalogue.WrongCertificate, "wrong certificate or unknown user id at Protean"),
        new("AAAPZ4002K", Catalogue.IncorrectPrivateKey, "the request was signed with the wrong private key"),
        new("AAAPZ5002F", Catalogue.SystemFailure, "generic failure at the provider"),
    ];

    private static readonly Dictionary<string, SandboxPanRecord> ByPan =
        Records.Append(SlowRecord).ToDictionary(r => r.Pan, StringComparer.Ordinal);

    private static readonly Dictionary<string, SandboxUpstreamError> ErrorByPan = UpstreamErrors.ToDictionary(e => e.Pan, StringComparer.Ordinal);

    public static IReadOnlyList<SandboxPanRecord> Registry => Records;
    public static IReadOnlyList<SandboxUpstreamError> MagicErrors => UpstreamErrors;

    /// <summary>How long the slow magic PAN takes (<c>Sandbox:PanVerification:SlowAnswerSeconds</c>, default 3).</summary>
    public TimeSpan SlowAnswer { get; } = TimeSpan.FromSeconds(config.GetValue("Sandbox:PanVerification:SlowAnswerSeconds", 3.0));

    /// <summary>The simulated upstream's answer, and how long it takes to give it.</summary>
    public (PanVerifierAnswer Answer, TimeSpan Delay) Answer(PanQuery query, string requestId)
    {
        if (ErrorByPan.TryGetValue(query.Pan, out var magic))
            return (PanVerifierAnswer.Failure(magic.Error, requestId, "sandbox: " + magic.Cause), TimeSpan.Zero);

        var delay = query.Pan == SlowRecord.Pan ? SlowAnswer : TimeSpan.Zero;
        if (!ByPan.TryGetValue(query.Pan, out var record))
        {
            var invalid = new PanResult(query.Pan, PanTexts.Invalid, "N", query.FatherName is null ? "" : "N", "N", "");
            return (PanVerifierAnswer.Success(invalid, requestId), delay);
        }

        var name = IndianNameMatcher.Compare(query.Name, record.Name);
        NameMatch? father = query.FatherName is null ? null
            : record.FatherName is null ? new NameMatch(false, 0) : IndianNameMatcher.Compare(query.FatherName, record.FatherName);
        var result = new PanResult(query.Pan, record.PanStatus, YesNo(name.IsMatch),
            father is { } f ? YesNo(f.IsMatch) : "", query.Dob == record.Dob ? "Y" : "N", record.SeedingStatus,
            name.Score, father?.Score);
        return (PanVerifierAnswer.Success(result, requestId), delay);
    }

    private static string YesNo(bool yes) => yes ? "Y" : "N";

    public string Section => "pan_verification";

    public object Describe() => new Dictionary<string, object?>
    {
        ["endpoint"] = "POST /v1/NSDLPanVerificationDirect (headers appId = username, appKey = your ixp_test_ key, transactionId)",
        ["registry"] = Records.Select(r => new Dictionary<string, string?>
        {
            ["pan"] = r.Pan, ["name"] = r.Name, ["fatherName"] = r.FatherName ?? "", ["dob"] = r.Dob,
            ["panStatus"] = r.PanStatus, ["seedingStatus"] = r.SeedingStatus,
        }).ToList(),
        ["matching"] = $"name and fathername are Y when the name sent matches the one on record with a score of at least {IndianNameMatcher.Threshold} " +
            "(case, spacing, dots, salutations, initials, word order and common transliterations are tolerated; result.nameMatchScore gives the score); " +
            "dob is Y when the date is the same; fathername is \"\" when fatherName is not sent, N when the record has no father's name.",
        ["upstream_errors"] = UpstreamErrors.Select(e => new Dictionary<string, object?>
        {
            ["pan"] = e.Pan, ["statusCode"] = e.Error.StatusCode, ["message"] = e.Error.Message, ["cause"] = e.Cause,
            ["charged"] = "charged, then refunded at once (an upstream failure is not your fault)",
        }).ToList(),
        ["slow_answer"] = new Dictionary<string, object?>
        {
            ["pan"] = SlowRecord.Pan, ["name"] = SlowRecord.Name, ["dob"] = SlowRecord.Dob, ["seconds"] = SlowAnswer.TotalSeconds,
            ["answer"] = $"{SlowRecord.PanStatus} / {SlowRecord.SeedingStatus}, after the delay",
        },
        ["any_other_pan"] = new Dictionary<string, object?>
        {
            ["example"] = "AAAPA0000A",
            ["panStatus"] = PanTexts.Invalid, ["name"] = "N", ["dob"] = "N", ["fathername"] = "N (\"\" when fatherName is not sent)",
            ["seedingStatus"] = "", ["charged"] = "yes: the inquiry was answered",
        },
        ["validation"] = "pan AAAAA9999A (4th letter P C H F A T B L J G or E; lower case is upper-cased); name and fatherName 1-85 letters, " +
            "spaces, dots, apostrophes or hyphens; dob DD/MM/YYYY, a real date from 1900 to today; transactionId 1-64 letters, digits or - _ . : /, " +
            "unique per key mode across all services (a repeat answers 409 and is not charged).",
    };
}
