namespace Inexopay.Server.Webhooks;

/// <summary>Signed server-to-server notifications (Standard Webhooks) from the outbox.</summary>
public static class WebhooksModule
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton(sp => WebhookSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }

    /// <summary>Notifications are outbound only; nothing is served here.</summary>
    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
    }
}
