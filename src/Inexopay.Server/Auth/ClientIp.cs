using System.Net;

namespace Inexopay.Server.Auth;

/// <summary>
/// The caller's address: the socket address, unless the socket belongs to a proxy listed in
/// <c>Network:TrustedProxies</c>; only then is the right-most untrusted <c>X-Forwarded-For</c> entry used.
/// A forwarding header from anyone else is ignored, so it cannot be used to pass an IP binding.
/// </summary>
public sealed class ClientIp(IConfiguration config)
{
    private readonly IpRange[] _trustedProxies = (config.GetSection("Network:TrustedProxies").Get<string[]>() ?? [])
        .Select(v => IpRange.TryParse(v, out var r) ? r : throw new InvalidOperationException($"Network:TrustedProxies has an invalid entry '{v}'."))
        .ToArray();

    public IPAddress Of(HttpContext http)
    {
        var remote = Normalize(http.Connection.RemoteIpAddress ?? IPAddress.Loopback);
        if (_trustedProxies.Length == 0 || !IsTrusted(remote)) return remote;

        var forwarded = http.Request.Headers["X-Forwarded-For"].ToString();
        if (string.IsNullOrWhiteSpace(forwarded)) return remote;
        // Walk from the nearest hop back; the first address that is not one of our proxies is the client.
        var hops = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop)) return remote;
            hop = Normalize(hop);
            if (!IsTrusted(hop)) return hop;
        }
        return remote;
    }

    private bool IsTrusted(IPAddress address) => _trustedProxies.Any(p => p.Contains(address));

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>A single address or a CIDR range.</summary>
public readonly record struct IpRange(IPAddress Network, int PrefixLength)
{
    /// <summary>
    /// Strict: IPAddress.TryParse also takes shorthand such as "1.2.3" (= 1.2.0.3), which would bind a mistyped
    /// address; an IPv4 address must have four dotted decimal parts.
    /// </summary>
    private static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (!text.Contains(':') && (text.Split('.') is not { Length: 4 } parts || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit))))
            return false;
        if (!IPAddress.TryParse(text, out var parsed)) return false;
        address = ClientIp.Normalize(parsed);
        return true;
    }

    public static bool TryParse(string? text, out IpRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            if (!TryParseAddress(text, out var single)) return false;
            range = new IpRange(single, single.GetAddressBytes().Length * 8);
            return true;
        }
        if (!TryParseAddress(text[..slash], out var network) || !int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, null, out var prefix))
            return false;
        if (prefix < 0 || prefix > network.GetAddressBytes().Length * 8) return false;
        range = new IpRange(network, prefix);
        return true;
    }

    public bool Contains(IPAddress address)
    {
        address = ClientIp.Normalize(address);
        var a = address.GetAddressBytes();
        var n = Network.GetAddressBytes();
        if (a.Length != n.Length) return false;
        var bits = PrefixLength;
        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((a[i] & mask) != (n[i] & mask)) return false;
        }
        return true;
    }
}
