namespace Inexopay.Server.Features.Pan;

/// <summary>NSDL PAN applications and the sandbox Protean portal: the slice's services and endpoints.</summary>
public static class PanApplicationsModule
{
    public static IServiceCollection AddPanApplications(this IServiceCollection services) => services;

    public static void MapPanApplications(this IEndpointRouteBuilder app)
    {
    }
}
