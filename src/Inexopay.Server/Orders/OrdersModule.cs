using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Orders;

/// <summary>The order pipeline's services: crash recovery, and for SQLite the write gate, connection settings and checkpointer.</summary>
public static class OrdersModule
{
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<SqliteOrderWriter>();
        // Adds to the provider setup of Storage/DatabaseSetup; the options are singletons (pooled contexts).
        services.ConfigureDbContext<InexopayDb>((sp, o) =>
        {
            if (DatabaseSetup.Provider(sp.GetRequiredService<IConfiguration>()) == DatabaseProvider.Sqlite)
                o.AddInterceptors(SqliteConnectionSettings.Instance);
        }, ServiceLifetime.Singleton);
        // Runs only in the server: the operator CLI builds its host but never starts it.
        services.AddHostedService<OrderRecovery>();
        services.AddHostedService<SqliteCheckpointer>();
        return services;
    }
}
