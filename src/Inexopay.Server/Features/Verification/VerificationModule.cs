using Inexopay.Server.Api;
using Inexopay.Server.Features.Sandbox;
using Inexopay.Server.Orders;

namespace Inexopay.Server.Features.Verification;

/// <summary>PAN verification (HyperVerge NSDL PAN Direct contract): the slice's services and endpoints.</summary>
public static class VerificationModule
{
    public static IServiceCollection AddVerification(this IServiceCollection services)
    {
        services.AddHttpClient(HyperVergeConnector.HttpClientName);
        services.AddSingleton<HyperVergeConnector>();
        services.AddSingleton<PanSandbox>();
        services.AddSingleton<ISandboxTestData>(sp => sp.GetRequiredService<PanSandbox>());
        services.AddSingleton<PanVerificationEndpoint>();
        services.AddSingleton<StaleVerificationSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<StaleVerificationSweeper>());
        return services;
    }

    public static void MapVerification(this IEndpointRouteBuilder app)
    {
        app.ServiceProvider.GetRequiredService<HyperVergeConnector>().ReportConfiguration();
        app.MapPostOnly(PanVerificationEndpoint.Path,
            (HttpContext http, PanVerificationEndpoint endpoint, OrderPipeline orders) => endpoint.HandleAsync(http, orders),
            PanVerificationEndpoint.Errors);
    }
}
