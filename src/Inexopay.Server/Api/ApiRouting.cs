namespace Inexopay.Server.Api;

/// <summary>
/// Maps the contract's POST-only endpoints so that any other method gets a JSON 405 in the endpoint's own shape
/// (never an HTML error page), and unknown paths under /api answer a JSON 404.
/// </summary>
public static class ApiRouting
{
    private static readonly string[] OtherMethods = ["GET", "PUT", "PATCH", "DELETE"];

    public static void MapPostOnly(this IEndpointRouteBuilder app, string path, Delegate handler, Func<int, string, IResult> error)
    {
        app.MapPost(path, handler);
        app.MapMethods(path, OtherMethods, () => error(405, "Method Not Allowed. Use POST."));
    }

    public static void MapApiNotFound(this IEndpointRouteBuilder app)
    {
        var notFound = () => Json.Result(404, Json.Object(("status_code", 404), ("status", "FAILED"), ("message", "Endpoint not found")));
        app.MapMethods("/api/{**rest}", ["GET", "POST", "PUT", "PATCH", "DELETE"], notFound).WithOrder(int.MaxValue);
    }
}
