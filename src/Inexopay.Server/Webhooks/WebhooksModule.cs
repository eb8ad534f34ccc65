namespace Inexopay.Server.Webhooks;

/// <summary>Signed server-to-server notifications (Standard Webhooks) from the outbox.</summary>
public static class WebhooksModule
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services) => services;

    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
    }
}
