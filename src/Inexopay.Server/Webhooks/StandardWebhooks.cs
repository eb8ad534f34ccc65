using System.Security.Cryptography;
using System.Text;

namespace Inexopay.Server.Webhooks;

/// <summary>
/// Standard Webhooks signing (https://www.standardwebhooks.com): the signature is
/// <c>v1,&lt;base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}"&gt;</c>, keyed with the base64-decoded part
/// of the <c>whsec_</c> secret. Used to sign our notifications and to check the ones a parent API sends us.
/// </summary>
public static class StandardWebhooks
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    private const string SecretPrefix = "whsec_";

    /// <summary>Notifications whose timestamp is further than this from now are refused (replay protection).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static byte[] KeyOf(string secret)
    {
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            return Convert.FromBase64String(encoded);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException("A webhook secret must be whsec_ followed by base64.", e);
        }
    }

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(KeyOf(secret), Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>True when one of the header's space-separated <c>v1,</c> signatures matches and the timestamp is recent.</summary>
    public static bool Verify(string secret, string? messageId, string? timestamp, string? signatureHeader, string body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(signatureHeader) || !long.TryParse(timestamp, out var ts)) return false;
        // Compared as a range: the difference (or Math.Abs of it) overflows for timestamps near long.MinValue/MaxValue.
        var nowSeconds = now.ToUnixTimeSeconds();
        var tolerance = (long)Tolerance.TotalSeconds;
        if (ts < nowSeconds - tolerance || ts > nowSeconds + tolerance) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, messageId, ts, body));
        foreach (var candidate in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), expected)) return true;
        return false;
    }
}
