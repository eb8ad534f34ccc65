using System.Security.Cryptography;
using System.Text;
using Inexopay.Server.Storage;

namespace Inexopay.Server.Auth;

/// <summary>
/// API keys look like <c>ixp_live_</c> + 32 random base62 characters + a 6-character checksum (from SHA-256 of the rest), so a mistyped
/// key is rejected without a database lookup. Only the SHA-256 of the key is stored.
/// </summary>
public static class ApiKeys
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int RandomLength = 32;
    private const int ChecksumLength = 6;

    public static string Prefix(ApiMode mode) => mode == ApiMode.Live ? "ixp_live_" : "ixp_test_";

    public static string Generate(ApiMode mode)
    {
        var body = Prefix(mode) + RandomNumberGenerator.GetString(Alphabet, RandomLength);
        return body + Checksum(body);
    }

    /// <summary>The mode a well-formed key belongs to, or null when the key is malformed or its checksum is wrong.</summary>
    public static ApiMode? ModeOf(string? key)
    {
        if (key is null || key.Length != 9 + RandomLength + ChecksumLength) return null;
        ApiMode mode;
        if (key.StartsWith("ixp_live_", StringComparison.Ordinal)) mode = ApiMode.Live;
        else if (key.StartsWith("ixp_test_", StringComparison.Ordinal)) mode = ApiMode.Test;
        else return null;
        foreach (var c in key.AsSpan(9)) if (!char.IsAsciiLetterOrDigit(c)) return null;
        var body = key[..^ChecksumLength];
        return key.EndsWith(Checksum(body), StringComparison.Ordinal) ? mode : null;
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Display(string key) => key[..13] + "…";

    private static string Checksum(string body)
    {
        var crc = BitConverter.ToUInt32(SHA256.HashData(Encoding.ASCII.GetBytes(body)), 0);
        Span<char> chars = stackalloc char[ChecksumLength];
        for (var i = ChecksumLength - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(crc % 62)];
            crc /= 62;
        }
        return new string(chars);
    }
}
