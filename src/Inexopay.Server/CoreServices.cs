using Inexopay.Server.Auth;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Orders;
using Inexopay.Server.Providers;
using Inexopay.Server.Storage;

namespace Inexopay.Server;

/// <summary>The services both the web server and the operator CLI need.</summary>
public static class CoreServices
{
    public static IServiceCollection AddInexopayCore(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddInexopayDb();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<ResellerAuthenticator>();
        services.AddSingleton<ClientIp>();
        services.AddSingleton<ProviderHealth>();
        services.AddSingleton<OutboundCalls>();
        services.AddScoped<ResellerAccounts>();
        services.AddScoped<PlanCatalog>();
        services.AddScoped<WalletAdmin>();
        services.AddScoped<OrderPipeline>();
        services.AddOrders();
        return services;
    }
}
