namespace Inexopay.Server.Api;

/// <summary>
/// Maps the contract's POST-only endpoints with their error shape, so that any other method gets a JSON 405 in the
/// endpoint's own shape (never an HTML error page), and unknown paths under /api answer a JSON 404.
/// </summary>
public static class ApiRouting
{
    private static readonly string[] OtherMethods = ["GET", "PUT", "PATCH", "DELETE"];
    private static readonly string[] PostOnly = ["POST"];

    public static RouteHandlerBuilder MapPostOnly(this IEndpointRouteBuilder app, string path, Delegate handler, ApiErrorShape errors)
    {
        app.MapMethods(path, OtherMethods, (HttpContext http) => errors.MethodNotAllowed(http, PostOnly)).WithApiErrorShape(errors);
        return app.MapPost(path, handler).WithApiErrorShape(errors);
    }

    public static void MapApiNotFound(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/api/{**rest}", ["GET", "POST", "PUT", "PATCH", "DELETE"], (HttpContext http) => ApiErrorShape.Default.NotFound(http))
            .WithOrder(int.MaxValue);
    }
}
