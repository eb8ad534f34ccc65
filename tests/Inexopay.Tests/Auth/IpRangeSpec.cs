using System.Net;
using Inexopay.Server.Auth;

namespace Inexopay.Tests.Auth;

public sealed class IpRangeSpec
{
    [Theory]
    [InlineData("103.21.4.9", "103.21.4.9", true)]
    [InlineData("103.21.4.9", "103.21.4.10", false)]
    [InlineData("103.21.4.0/24", "103.21.4.250", true)]
    [InlineData("103.21.4.0/24", "103.21.5.1", false)]
    [InlineData("10.0.0.0/8", "10.255.1.1", true)]
    [InlineData("::1", "::1", true)]
    [InlineData("2001:db8::/32", "2001:db8:1::5", true)]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1", true)]
    public void Bound_ip_or_cidr_admits_exactly_its_addresses(string bound, string caller, bool admitted)
    {
        Assert.True(IpRange.TryParse(bound, out var range));
        Assert.Equal(admitted, range.Contains(IPAddress.Parse(caller)));
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.4/33")]
    [InlineData("1.2.3.4/-1")]
    [InlineData("1.2.3.4/+8")]
    [InlineData("host.example")]
    [InlineData("")]
    public void Shorthand_or_malformed_addresses_are_refused(string value) => Assert.False(IpRange.TryParse(value, out _));
}
