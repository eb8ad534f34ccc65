namespace Inexopay.Server.Features.Bank;

/// <summary>NSDL Payments Bank BC services: the slice's services and endpoints.</summary>
public static class BankModule
{
    public static IServiceCollection AddBank(this IServiceCollection services) => services;

    public static void MapBank(this IEndpointRouteBuilder app)
    {
    }
}
