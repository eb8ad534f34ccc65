namespace Inexopay.Server.Features.Verification;

/// <summary>PAN verification (HyperVerge NSDL PAN Direct contract): the slice's services and endpoints.</summary>
public static class VerificationModule
{
    public static IServiceCollection AddVerification(this IServiceCollection services) => services;

    public static void MapVerification(this IEndpointRouteBuilder app)
    {
    }
}
