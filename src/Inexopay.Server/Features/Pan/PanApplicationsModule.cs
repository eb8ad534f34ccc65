using Inexopay.Server.Features.Pan.Sandbox;
using Inexopay.Server.Features.Sandbox;
using Inexopay.Server.Providers.Upstream;

namespace Inexopay.Server.Features.Pan;

/// <summary>NSDL PAN applications and the sandbox Protean portal: the slice's services and endpoints.</summary>
public static class PanApplicationsModule
{
    public static IServiceCollection AddPanApplications(this IServiceCollection services)
    {
        services.AddSingleton(sp => PanSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddScoped<PanLifecycle>();
        services.AddScoped<UpstreamPanSync>();
        services.AddHttpClient(UpstreamPanClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan); // OutboundCalls times each call
        services.AddSingleton<UpstreamPanClient>();
        services.AddSingleton<ISandboxTestData, SandboxPanTestData>();
        services.AddSingleton<PanWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<PanWorker>());
        return services;
    }

    public static void MapPanApplications(this IEndpointRouteBuilder app)
    {
        app.MapPanEndpoints();
        app.MapSandboxPortal();
    }
}
