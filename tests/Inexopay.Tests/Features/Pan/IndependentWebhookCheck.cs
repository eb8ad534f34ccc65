using System.Security.Cryptography;
using System.Text;

namespace Inexopay.Tests.Features.Pan;

/// <summary>
/// The receiving side of Standard Webhooks, written here from the specification and independently of the server's
/// code, so a mistake in the server's signing cannot be mirrored by the check.
/// </summary>
public static class IndependentWebhookCheck
{
    public static void AssertSigned(Received webhook, string whsecSecret)
    {
        var id = webhook.Header("webhook-id");
        var timestamp = webhook.Header("webhook-timestamp");
        var signatures = webhook.Header("webhook-signature");
        Assert.StartsWith("msg_", id);
        Assert.True(long.TryParse(timestamp, out var seconds), "webhook-timestamp is unix seconds");
        Assert.InRange(DateTimeOffset.FromUnixTimeSeconds(seconds), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.StartsWith("whsec_", whsecSecret);
        var key = Convert.FromBase64String(whsecSecret.Substring("whsec_".Length));
        using var hmac = new HMACSHA256(key);
        var signedContent = Encoding.UTF8.GetBytes(id + "." + timestamp + "." + webhook.Body);
        var expected = "v1," + Convert.ToBase64String(hmac.ComputeHash(signedContent));
        var matches = signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(s => s == expected);
        Assert.True(matches == 1, $"no v1 signature in '{signatures}' matches the body");
    }
}
