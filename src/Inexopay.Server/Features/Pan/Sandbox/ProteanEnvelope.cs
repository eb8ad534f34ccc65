using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Inexopay.Server.Webhooks;

namespace Inexopay.Server.Features.Pan.Sandbox;

/// <summary>What the sandbox portal learns from a verified envelope.</summary>
public sealed record ProteanRequest(string Kind, string TxnId, DateTime RequestedAt, string EntityId, string ReturnUrl,
    string? Category, string? ApplicationMode, string? Mobile);

/// <summary>
/// The signed <c>req</c> envelope of Protean's assisted service, as the sandbox uses it:
/// <c>{"reqEntityData": {txnid, reqTs, entityId, branchCode, dscProvider, dscSerialNumber, dscExpiryDate, returnUrl,
/// authKey, formData}, "signature": "…"}</c>, with the wrapper <c>incompleteData</c> for a resume. <c>formData</c> is
/// base64(JSON) with an <c>applicantDto</c> (<c>category</c> A = new, CR = correction; <c>applnMode</c> K = eKYC,
/// E = eSign). Protean signs with the entity's DSC; the sandbox signs with HMAC-SHA256 over the exact bytes of the
/// inner object, keyed per reseller (derived from the reseller's webhook secret, so every node sharing the database
/// agrees on it and no extra secret has to be distributed).
/// </summary>
public static class ProteanEnvelope
{
    public const string NewKind = "reqEntityData";
    public const string ResumeKind = "incompleteData";
    public const string DscProvider = "Inexopay Sandbox CA (not a real DSC)";

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static string EntityId(long resellerId) => "IXPSBX" + resellerId.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The reseller's sandbox signing key: an HMAC of a fixed label under the webhook secret (never the secret itself).</summary>
    public static byte[] EntityKey(string webhookSecret) =>
        HMACSHA256.HashData(StandardWebhooks.KeyOf(webhookSecret), "inexopay/sandbox/protean/entity-key/v1"u8);

    public static string Build(string kind, byte[] key, long resellerId, string branchCode, string txnId, DateTime now, string returnUrl,
        string? category = null, string? applicationMode = null, string? mobile = null)
    {
        var data = new JsonObject
        {
            ["txnid"] = txnId,
            ["reqTs"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            ["entityId"] = EntityId(resellerId),
            ["branchCode"] = branchCode,
            ["dscProvider"] = DscProvider,
            ["dscSerialNumber"] = Convert.ToHexString(HMACSHA256.HashData(key, "dsc-serial"u8)[..8]),
            ["dscExpiryDate"] = now.AddYears(1).ToString("dd-MM-yyyy", CultureInfo.InvariantCulture),
            ["returnUrl"] = returnUrl,
            ["authKey"] = Convert.ToBase64String(HMACSHA256.HashData(key, "auth-key"u8)[..18]),
        };
        if (kind == NewKind)
        {
            var form = new JsonObject
            {
                ["applicantDto"] = new JsonObject
                {
                    ["appliType"] = "I",
                    ["category"] = category,
                    ["title"] = "",
                    ["lastName"] = "",
                    ["firstName"] = "",
                    ["middleName"] = "",
                    ["dob"] = "",
                    ["gender"] = "",
                    ["applnMode"] = applicationMode,
                    ["telOrMobNo"] = mobile,
                },
                ["otherDetails"] = new JsonObject { ["phyPanIsReq"] = "Y" },
            };
            data["formData"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(form.ToJsonString(Compact)));
        }
        var inner = data.ToJsonString(Compact);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(inner)));
        return $"{{\"{kind}\":{inner},\"signature\":\"{signature}\"}}";
    }

    /// <summary>
    /// Reads an envelope without trusting it yet: the entity and transaction it claims to be about. False for anything
    /// else, including ids no application can have (over 64 characters, control characters, unpaired surrogates).
    /// </summary>
    public static bool TryPeek(string? req, out string kind, out string txnId, out string entityId)
    {
        kind = txnId = entityId = "";
        if (string.IsNullOrEmpty(req)) return false;
        try
        {
            using var doc = JsonDocument.Parse(req);
            foreach (var candidate in new[] { NewKind, ResumeKind })
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(candidate, out var data)
                    && data.ValueKind == JsonValueKind.Object
                    && data.TryGetProperty("txnid", out var t) && t.ValueKind == JsonValueKind.String
                    && data.TryGetProperty("entityId", out var e) && e.ValueKind == JsonValueKind.String)
                {
                    kind = candidate;
                    txnId = t.GetString()!;
                    entityId = e.GetString()!;
                    return IsId(txnId) && IsId(entityId);
                }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or an id that is not valid text (GetString refuses "\ud800").
        }
        return false;
    }

    /// <summary>Checks the signature over the exact bytes received, then reads the fields. Null when anything is off.</summary>
    public static ProteanRequest? Verify(string req, byte[] key)
    {
        try
        {
            using var doc = JsonDocument.Parse(req);
            var root = doc.RootElement;
            var kind = root.TryGetProperty(NewKind, out _) ? NewKind : ResumeKind;
            if (!root.TryGetProperty(kind, out var data) || data.ValueKind != JsonValueKind.Object) return null;
            if (!root.TryGetProperty("signature", out var sig) || sig.ValueKind != JsonValueKind.String) return null;
            byte[] given;
            try
            {
                given = Convert.FromBase64String(sig.GetString()!);
            }
            catch (FormatException)
            {
                return null;
            }
            var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data.GetRawText()));
            if (!CryptographicOperations.FixedTimeEquals(given, expected)) return null;

            var reqTs = DateTime.ParseExact(Str(data, "reqTs"), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            string? category = null, mode = null, mobile = null;
            if (kind == NewKind)
            {
                using var form = JsonDocument.Parse(Convert.FromBase64String(Str(data, "formData")));
                var applicant = form.RootElement.GetProperty("applicantDto");
                category = Str(applicant, "category");
                mode = Str(applicant, "applnMode");
                mobile = Str(applicant, "telOrMobNo");
            }
            return new ProteanRequest(kind, Str(data, "txnid"), reqTs, Str(data, "entityId"), Str(data, "returnUrl"), category, mode, mobile);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsId(string id) => id.Length is > 0 and <= 64 && Api.ApiParams.TextProblem(id) is null;

    private static string Str(JsonElement e, string name) =>
        e.GetProperty(name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw new FormatException(name + " is not a string");
}
