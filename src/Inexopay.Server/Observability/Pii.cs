namespace Inexopay.Server.Observability;

/// <summary>Masks personal data for logs: PAN, mobile numbers and email addresses never appear in clear.</summary>
public static class Pii
{
    /// <summary>ABCPV1234D → ABCPV****D</summary>
    public static string Pan(string? pan) => pan is { Length: 10 } ? pan[..5] + "****" + pan[9] : "**********";

    /// <summary>9876543210 → ******3210</summary>
    public static string Mobile(string? mobile) => mobile is { Length: >= 4 } ? new string('*', mobile.Length - 4) + mobile[^4..] : "****";

    /// <summary>rahul@gmail.com → r****@gmail.com</summary>
    public static string Email(string? email)
    {
        var at = email?.IndexOf('@') ?? -1;
        return at > 0 ? email![0] + "****" + email[at..] : "****";
    }
}
