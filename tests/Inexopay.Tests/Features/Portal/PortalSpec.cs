using AngleSharp.Html.Parser;
using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Features.Portal;

public sealed class PortalSpec
{
    [Fact]
    public async Task Portal_lists_every_contract_endpoint_and_the_sandbox_data_link()
    {
        var http = SharedServers.For(TestDatabases.Sqlite).Http();

        using var response = await http.GetAsync("/");
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("INEXOPAY API Portal", document.Title);
        var paths = document.QuerySelectorAll("td.path").Select(td => td.TextContent).ToList();
        foreach (var path in new[] { "/api/check_status.php", "/api/balance.php", "/api/nsdl-pan/v1/request_pan.php", "/api/nsdl-pan/v1/pan_status.php",
                     "/api/nsdl-pan/v1/incomplete.php", "/v1/NSDLPanVerificationDirect", "/api/nsdl-bank/v1/onboarding.php",
                     "/api/nsdl-bank/v1/account-open.php", "/api/nsdl-bank/v1/account-status.php", "/api/nsdl-bank/v1/account-details.php" })
            Assert.Contains(paths, p => p.Contains(path));
        Assert.NotNull(document.QuerySelector("a[href='/api/sandbox/test-data.json']"));
        Assert.Equal(6, document.QuerySelectorAll("#samples pre").Length);
    }
}
