using System.Net;
using System.Net.Sockets;
using Inexopay.Server.Auth;

namespace Inexopay.Server.Webhooks;

/// <summary>
/// Keeps notifications from being aimed at our own network (SSRF). The check runs inside the connection callback,
/// on the addresses actually dialled, so a host name that resolves to a public address at validation time and a
/// private one at connect time (DNS rebinding) is still refused.
/// </summary>
public static class TargetGuard
{
    private static readonly IpRange[] NonPublic = new[]
    {
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "64:ff9b::/96", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
    }.Select(r => IpRange.TryParse(r, out var range) ? range : throw new InvalidOperationException(r)).ToArray();

    public static bool IsPublic(IPAddress address)
    {
        address = ClientIp.Normalize(address);
        return !NonPublic.Any(r => r.Contains(address));
    }

    /// <summary>The one place a webhook target is accepted or refused before any byte is sent.</summary>
    public static bool IsAcceptableUrl(string url, out Uri? uri) =>
        Uri.TryCreate(url, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo);

    public static SocketsHttpHandler Handler(bool allowPrivateTargets) => new()
    {
        AllowAutoRedirect = false, // a redirect is not a 2xx, and following it could lead inside
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            if (addresses.Length == 0) throw new TargetRefusedException($"{host} has no address");
            if (!allowPrivateTargets && addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused)
                throw new TargetRefusedException($"target address {refused} is not public (Webhooks:AllowPrivateTargets is off)");

            Exception? last = null;
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    last = e;
                }
            }
            throw last!;
        },
    };
}

public sealed class TargetRefusedException(string message) : Exception(message);
