using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Orders;

/// <summary>The order pipeline's services: the SQLite write gate, SQLite's busy timeout and crash recovery.</summary>
public static class OrdersModule
{
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.AddSingleton<SqliteWriteGate>();
        // Adds to the provider setup of Storage/DatabaseSetup; the options are singletons (pooled contexts).
        services.ConfigureDbContext<InexopayDb>((sp, o) =>
        {
            if (DatabaseSetup.Provider(sp.GetRequiredService<IConfiguration>()) == DatabaseProvider.Sqlite)
                o.AddInterceptors(SqliteBusyTimeout.Instance);
        }, ServiceLifetime.Singleton);
        // Runs only in the server: the operator CLI builds its host but never starts it.
        services.AddHostedService<OrderRecovery>();
        return services;
    }
}
