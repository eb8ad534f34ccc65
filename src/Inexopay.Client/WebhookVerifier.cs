using System.Security.Cryptography;
using System.Text;

namespace Inexopay.Client;

/// <summary>
/// Checks an Inexopay notification as Standard Webhooks defines it: HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}"
/// keyed with the base64 part of your <c>whsec_</c> secret, sent as "v1,&lt;base64&gt;" in webhook-signature (several
/// space-separated signatures may be present during secret rotation). Rejects timestamps more than five minutes off.
/// </summary>
public sealed class WebhookVerifier(string secret, TimeProvider? clock = null)
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private readonly byte[] _key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public bool Verify(string webhookId, string webhookTimestamp, string webhookSignature, string body)
    {
        if (!long.TryParse(webhookTimestamp, out var seconds)) return false;
        // A range check on the raw number: converting a hostile timestamp (near long.MinValue) would throw.
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var tolerance = (long)Tolerance.TotalSeconds;
        if (seconds < now - tolerance || seconds > now + tolerance) return false;

        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{webhookId}.{webhookTimestamp}.{body}"));
        foreach (var candidate in webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = candidate.Split(',', 2);
            if (parts.Length != 2 || parts[0] != "v1") continue;
            byte[] given;
            try
            {
                given = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException)
            {
                continue;
            }
            if (CryptographicOperations.FixedTimeEquals(expected, given)) return true;
        }
        return false;
    }
}
