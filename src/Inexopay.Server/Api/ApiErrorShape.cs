namespace Inexopay.Server.Api;

/// <summary>An error to write: HTTP status, the message, and optionally why (the shape decides where that goes).</summary>
public readonly record struct ApiError(int Status, string Message, string? Detail = null, int RetryAfterSeconds = 0);

/// <summary>
/// The messages an endpoint gives for the answers shared code writes on its behalf. <see cref="UnreadableBody"/> is
/// the endpoint's documented 400 for a body that cannot be read; the rest default to <see cref="ApiErrorTexts"/>.
/// </summary>
public sealed record ApiErrorMessages(string UnreadableBody)
{
    public string NotFound { get; init; } = ApiErrorTexts.EndpointNotFound;
    public string Unavailable { get; init; } = ApiErrorTexts.ServiceUnavailable;
    public string InternalError { get; init; } = ApiErrorTexts.InternalServerError;
}

/// <summary>
/// Endpoint metadata: how an endpoint writes an error in its own contract shape (the contract's families differ:
/// <c>status_code</c>, <c>error_code</c>, the bank's <c>status: false</c>, HyperVerge's <c>statusCode</c>). Whoever maps
/// an endpoint attaches it (<see cref="ApiErrorShapeExtensions.WithApiErrorShape{TBuilder}"/>, on one endpoint or a
/// route group); shared code then answers in that shape: the 405 with <c>Allow</c>, the 404 under /api and /v1, an
/// unreadable body, an unhandled exception, a database outage.
/// </summary>
public sealed class ApiErrorShape(string family, ApiErrorMessages messages, Func<HttpContext, ApiError, IResult> render)
{
    /// <summary>Endpoints of one family share a shape; the 404 of an unknown path uses the family of its siblings.</summary>
    public string Family { get; } = family;

    public ApiErrorMessages Messages { get; } = messages;

    public IResult Render(HttpContext http, ApiError error) => render(http, error);

    /// <summary>The endpoint's documented 400 for a body it cannot read; <paramref name="detail"/> says why.</summary>
    public IResult UnreadableBody(HttpContext http, string detail) => render(http, new ApiError(400, Messages.UnreadableBody, detail));

    /// <summary>405 with the <c>Allow</c> header listing <paramref name="allowed"/>.</summary>
    public IResult MethodNotAllowed(HttpContext http, IReadOnlyCollection<string> allowed)
    {
        http.Response.Headers.Allow = string.Join(", ", allowed);
        return render(http, new ApiError(405, ApiErrorTexts.MethodNotAllowed(allowed)));
    }

    public IResult NotFound(HttpContext http) => render(http, new ApiError(404, Messages.NotFound));

    /// <summary>503 while the database cannot be reached: nothing was done, the client may retry.</summary>
    public IResult Unavailable(HttpContext http) =>
        render(http, new ApiError(503, Messages.Unavailable, ApiErrorTexts.UnavailableDetail, ApiErrorTexts.UnavailableRetryAfterSeconds));

    public IResult InternalError(HttpContext http) => render(http, new ApiError(500, Messages.InternalError));

    /// <summary>The shape of the endpoint this request was routed to, if it has one.</summary>
    public static ApiErrorShape? Of(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<ApiErrorShape>();

    /// <summary>
    /// <c>{"status_code": N, "status": "FAILED", "message": …, "detail": …}</c>: check_status.php and the PAN
    /// endpoints, and any /api path no endpoint claims.
    /// </summary>
    public static ApiErrorShape StatusCode(ApiErrorMessages messages) => new("status_code", messages, (_, e) =>
    {
        var body = Json.Object(("status_code", e.Status), ("status", "FAILED"), ("message", e.Message));
        if (e.Detail is not null) body["detail"] = e.Detail;
        return Json.Result(e.Status, body, e.RetryAfterSeconds);
    });

    /// <summary><c>{"status": "FAILED", "error_code": N, "message": …, "detail": …}</c>: balance.php.</summary>
    public static ApiErrorShape ErrorCode(ApiErrorMessages messages) => new("error_code", messages, (_, e) =>
    {
        var body = Json.Object(("status", "FAILED"), ("error_code", e.Status), ("message", e.Message));
        if (e.Detail is not null) body["detail"] = e.Detail;
        return Json.Result(e.Status, body, e.RetryAfterSeconds);
    });

    /// <summary>For /api paths that no endpoint (or family of endpoints) claims.</summary>
    public static readonly ApiErrorShape Default = StatusCode(new ApiErrorMessages(ApiErrorTexts.MissingOrInvalidParameters));
}

public static class ApiErrorShapeExtensions
{
    /// <summary>Attaches the error shape to an endpoint or to every endpoint of a route group.</summary>
    public static TBuilder WithApiErrorShape<TBuilder>(this TBuilder builder, ApiErrorShape shape) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(shape);
}
