using Inexopay.Server.Observability;
using Inexopay.Server.Storage;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Inexopay.Server.Api;

/// <summary>
/// The answers no endpoint writes itself, each in the shape of the endpoint concerned (<see cref="ApiErrorShape"/>
/// metadata, whoever mapped it):
/// <list type="bullet">
/// <item>a method the path does not take (OPTIONS, HEAD, TRACE, PUT, … on a POST endpoint) → 405 with <c>Allow</c>;</item>
/// <item>an unknown path under /api or /v1, or beside other shaped endpoints → 404 in the shape of that family;</item>
/// <item>a body the server could not read (too large, truncated: Kestrel's <see cref="BadHttpRequestException"/>, or
/// the form reader's <see cref="InvalidDataException"/>, Kestrel's plain <see cref="IOException"/> for a chunk size
/// that overflows) → the endpoint's documented 400, one warning line;</item>
/// <item>the database unreachable → 503 with <c>Retry-After</c>, one error line without a stack trace;</item>
/// <item>any other exception (a bug) → 500, logged with its stack trace.</item>
/// </list>
/// Log lines go through <see cref="RejectionLog"/>, which rate-limits them.
/// </summary>
public static class ApiErrorHandling
{
    public static void UseApiErrors(this WebApplication app)
    {
        var routes = (IEndpointRouteBuilder)app;
        var table = new Lazy<EndpointTable>(() => EndpointTable.Build(routes.DataSources.SelectMany(s => s.Endpoints)));
        var rejections = app.Services.GetRequiredService<RejectionLog>();
        app.Use(async (http, next) =>
        {
            if (ApiErrorShape.Of(http) is null && Intercept(http, table.Value) is { } answer)
            {
                await answer.ExecuteAsync(http);
                return;
            }
            try
            {
                await next(http);
            }
            catch (Exception) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away: there is nobody to answer, and nothing to report.
            }
            catch (Exception e) when (!http.Response.HasStarted
                                      && (ApiErrorShape.Of(http) ?? table.Value.ShapeNear(http.Request.Path.Value)) is { } shape)
            {
                http.Response.Clear();
                await Answer(http, shape, e, rejections).ExecuteAsync(http);
            }
            catch (Exception e) when (ApiErrorShape.Of(http) is not null)
            {
                // Too late to change the answer: log it once, then cut the connection so the client sees it failed.
                rejections.Failed(http, e);
                http.Abort();
            }
        });
    }

    /// <summary>A rejected body, logged once: for endpoints that find <see cref="ApiParams.Problem"/> themselves.</summary>
    public static IResult UnreadableBody(HttpContext http, string problem)
    {
        http.RequestServices.GetService<RejectionLog>()?.Rejected(http, 400, problem);
        return (ApiErrorShape.Of(http) ?? ApiErrorShape.Default).UnreadableBody(http, problem);
    }

    private static IResult Answer(HttpContext http, ApiErrorShape shape, Exception e, RejectionLog log)
    {
        switch (e)
        {
            case BadHttpRequestException bad:
                var problem = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ApiErrorTexts.BodyTooLarge : ApiErrorTexts.BodyIncomplete;
                log.Rejected(http, 400, problem);
                return shape.UnreadableBody(http, problem);
            case InvalidDataException:
                log.Rejected(http, 400, ApiErrorTexts.FormUnreadable);
                return shape.UnreadableBody(http, ApiErrorTexts.FormUnreadable);
            case IOException:
                // Kestrel throws a plain IOException for some broken bodies (a chunk size that overflows); the request
                // path does no other I/O that could fail this way.
                log.Rejected(http, 400, ApiErrorTexts.BodyIncomplete);
                return shape.UnreadableBody(http, ApiErrorTexts.BodyIncomplete);
            case var _ when DbErrors.IsUnavailable(e):
                log.Unavailable(http, e);
                return shape.Unavailable(http);
            default:
                log.Failed(http, e);
                return shape.InternalError(http);
        }
    }

    /// <summary>The 405 or 404 for a request routing found no endpoint (of this method) for; null to let it through.</summary>
    private static IResult? Intercept(HttpContext http, EndpointTable table)
    {
        var path = http.Request.Path.Value ?? "/";
        if (table.Find(path) is { } entry)
        {
            // Routing may not take a spelling the table matches ("/api/balance.php//"): a 404 in the endpoint's shape.
            if (entry.Allows(http.Request.Method)) return http.GetEndpoint() is null ? (entry.Shape ?? table.ShapeNear(path))?.NotFound(http) : null;
            return (entry.Shape ?? table.ShapeNear(path))?.MethodNotAllowed(http, entry.Methods!);
        }
        return http.GetEndpoint() is null ? table.ShapeNear(path)?.NotFound(http) : null;
    }

    /// <summary>
    /// Every mapped endpoint with a literal path (all of the contract's): the methods it takes and its error shape; and
    /// for each folder of such paths, the shape its endpoints agree on (for the 404 of an unknown sibling).
    /// </summary>
    private sealed class EndpointTable
    {
        private static readonly string[] ApiRoots = ["/api", "/v1"];

        public sealed record Entry(SortedSet<string>? Methods, ApiErrorShape? Shape)
        {
            /// <summary>Null <see cref="Methods"/>: an endpoint that takes any method.</summary>
            public bool Allows(string method) => Methods is null || Methods.Contains(method);
        }

        private readonly Dictionary<string, Entry> _paths = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, ApiErrorShape?> _folders = new(StringComparer.OrdinalIgnoreCase);

        public static EndpointTable Build(IEnumerable<Endpoint> endpoints)
        {
            var table = new EndpointTable();
            foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
            {
                if (LiteralPath(endpoint.RoutePattern) is not { } path) continue;
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
                var shape = endpoint.Metadata.GetMetadata<ApiErrorShape>();
                table._paths.TryGetValue(path, out var known);
                var allowed = known is { Methods: null } || methods is null || methods.Count == 0
                    ? null
                    : new SortedSet<string>([.. known?.Methods ?? [], .. methods], StringComparer.OrdinalIgnoreCase);
                table._paths[path] = new Entry(allowed, known?.Shape ?? shape);
                if (shape is null) continue;
                for (var folder = Parent(path); folder.Length > 0; folder = Parent(folder))
                    table._folders[folder] = table._folders.TryGetValue(folder, out var seen) && seen?.Family != shape.Family ? null : shape;
            }
            foreach (var root in ApiRoots) table._folders.TryAdd(root, ApiErrorShape.Default);
            return table;
        }

        public Entry? Find(string path) => _paths.GetValueOrDefault(path.Length > 1 ? path.TrimEnd('/') : path);

        /// <summary>
        /// The shape of the nearest folder whose endpoints agree on one (where they disagree, /api's default); null
        /// outside /api, /v1 and the folders of shaped endpoints.
        /// </summary>
        public ApiErrorShape? ShapeNear(string? path)
        {
            var folder = (path ?? "").TrimEnd('/');
            for (var depth = 0; depth < 32 && folder.Length > 0; depth++, folder = Parent(folder))
                if (_folders.TryGetValue(folder, out var shape)) return shape ?? ApiErrorShape.Default;
            return null;
        }

        /// <summary>"/api/nsdl-bank/v1/x.php" → "/api/nsdl-bank/v1"; empty slashes are skipped ("/api//x" → "/api").</summary>
        private static string Parent(string path)
        {
            var trimmed = path.TrimEnd('/');
            var slash = trimmed.LastIndexOf('/');
            return slash <= 0 ? "" : trimmed[..slash].TrimEnd('/');
        }

        private static string? LiteralPath(RoutePattern pattern)
        {
            if (pattern.Parameters.Count > 0) return null;
            var segments = new List<string>(pattern.PathSegments.Count);
            foreach (var segment in pattern.PathSegments)
            {
                if (segment.Parts.Count != 1 || segment.Parts[0] is not RoutePatternLiteralPart literal) return null;
                segments.Add(literal.Content);
            }
            return "/" + string.Join('/', segments);
        }
    }
}
