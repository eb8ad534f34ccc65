namespace Inexopay.Tests.Features.Verification;

/// <summary>
/// The sandbox's PANs as the portal documents them, written out here independently of the server's table so that a
/// changed or missing row fails the tests.
/// </summary>
public static class SandboxRegistry
{
    public sealed record Row(string Pan, string Name, string? Father, string Dob, string PanStatus, string Seeding);

    public static readonly Row[] Rows =
    [
        new("ABCPV1234D", "RAHUL KUMAR SHARMA", "SURESH KUMAR SHARMA", "15/05/1990", "Existing and Valid", "Operative PAN"),
        new("BNZPM2501F", "PRIYA MEHTA", "ANIL MEHTA", "01/01/1985", "Existing and Valid", "Inoperative PAN"),
        new("AAACI1234G", "INEXO TECHNOLOGIES PRIVATE LIMITED", null, "12/03/2015", "Existing and Valid", "Not Applicable"),
        new("FKZPF0001K", "RAVI FAKE", null, "01/01/1980", "Marked as Fake", "Not Applicable"),
        new("DXVPS4821K", "SUNITA SHARMA", "RAMESH CHANDRA SHARMA", "10/10/1975", "Marked as Deactivated", "Inoperative PAN"),
        new("DLTPK3307M", "VIKRAM KULKARNI", "MADHAV KULKARNI", "22/07/1968", "Deleted", "Not Applicable"),
        new("AABCA1001A", "ASHOKA CEMENTS LIMITED", null, "01/04/1998", "Existing and Valid. but event marked as Amalgamation in ITD database", "Not Applicable"),
        new("AABCB1002B", "BHARAT LOGISTICS PRIVATE LIMITED", null, "15/06/2005", "Existing and Valid. but event marked as Acquisition in ITD database", "Not Applicable"),
        new("AFDPN1003C", "NARAYAN DAS", "GOPAL DAS", "20/02/1940", "Existing and Valid. but event marked as Death in ITD database", "Inoperative PAN"),
        new("AAAFD1004D", "DESAI AND SONS", null, "05/11/1992", "Existing and Valid. but event marked as Dissolution in ITD database", "Not Applicable"),
        new("AABCL1005E", "LOTUS TEXTILES LIMITED", null, "18/08/1987", "Existing and Valid. but event marked as Liquidated in ITD database", "Not Applicable"),
        new("AABCM1006F", "MAHALAXMI FINANCE LIMITED", null, "30/01/2001", "Existing and Valid. but event marked as Merger in ITD database", "Not Applicable"),
        new("AAAHR1007G", "RAMESH PATEL HUF", null, "14/04/1995", "Existing and Valid. but event marked as Partition in ITD database", "Not Applicable"),
        new("AABCS1008H", "SUNRISE AGRO PRIVATE LIMITED", null, "09/09/2010", "Existing and Valid. but event marked as Split in ITD database", "Not Applicable"),
        new("AABCU1009J", "UNITED POLYMERS LIMITED", null, "25/12/1979", "Existing and Valid. but event marked as Under Liquidation in ITD database", "Not Applicable"),
    ];

    public static readonly Row Slow = new("AAAPZ3000S", "SANDBOX SLOW ANSWER", null, "01/01/1990", "Existing and Valid", "Operative PAN");

    /// <summary>Magic PANs whose simulated upstream answers a catalogue error (refunded).</summary>
    public static readonly (string Pan, int Status, string Message, bool MetaData)[] UpstreamErrors =
    [
        ("AAAPZ5001S", 500, "System Error", true),
        ("AAAPZ4011A", 401, "Authentication Failure", true),
        ("AAAPZ4031U", 403, "User not authorized", true),
        ("AAAPZ4032V", 403, "User validity has expired", true),
        ("AAAPZ4033C", 403, "Certificate Revocation List issued by Certifying Authorities is expired", true),
        ("AAAPZ4034D", 403, "User ID Deactivated", true),
        ("AAAPZ4001W", 400, "User ID does not exist in database, Wrong certificate used, or ID is invalid", true),
        ("AAAPZ4002K", 400, "Incorrect private key or certificate are used for signing", true),
        ("AAAPZ5002F", 500, "System Failure or common error message for request", false),
    ];

    public static IEnumerable<object[]> RowsOn(IEnumerable<object[]> providers) =>
        from p in providers from r in Rows select new object[] { p[0], r.Pan };

    public static IEnumerable<object[]> ErrorsOn(IEnumerable<object[]> providers) =>
        from p in providers from e in UpstreamErrors select new object[] { p[0], e.Pan };
}
