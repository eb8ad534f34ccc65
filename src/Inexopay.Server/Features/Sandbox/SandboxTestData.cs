using Inexopay.Server.Api;

namespace Inexopay.Server.Features.Sandbox;

/// <summary>One service's magic values for test keys, published at /api/sandbox/test-data.json and in the portal.</summary>
public interface ISandboxTestData
{
    /// <summary>The section's key in the JSON document, e.g. "pan_verification".</summary>
    string Section { get; }

    object Describe();
}

public static class SandboxTestData
{
    public static void MapSandboxTestData(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/sandbox/test-data.json", (IEnumerable<ISandboxTestData> sections) =>
        {
            var body = Json.Object(("description", "Magic values understood by the Inexopay sandbox (test API keys, ixp_test_…)."));
            foreach (var section in sections.OrderBy(s => s.Section)) body[section.Section] = section.Describe();
            return Json.Result(200, body);
        });
}
