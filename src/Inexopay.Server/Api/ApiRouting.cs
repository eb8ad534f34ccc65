namespace Inexopay.Server.Api;

public static class ApiRouting
{
    /// <summary>
    /// Maps one of the contract's POST endpoints with its error shape; <see cref="ApiErrorHandling"/> answers every
    /// other method (405 with <c>Allow: POST</c>) and unknown neighbours (404) in that shape.
    /// </summary>
    public static RouteHandlerBuilder MapPostOnly(this IEndpointRouteBuilder app, string path, Delegate handler, ApiErrorShape errors) =>
        app.MapPost(path, handler).WithApiErrorShape(errors);
}
