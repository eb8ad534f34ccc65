using Inexopay.Server;
using Inexopay.Server.Api;
using Inexopay.Server.Cli;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Features.Bank;
using Inexopay.Server.Features.Pan;
using Inexopay.Server.Features.Portal;
using Inexopay.Server.Features.Sandbox;
using Inexopay.Server.Features.Verification;
using Inexopay.Server.Observability;
using Inexopay.Server.Webhooks;
using Inexopay.Server.Storage;

// The same executable is the operator CLI: `inexopay users create …`, `inexopay db migrate`, …
if (OperatorCli.IsCommand(args)) return await OperatorCli.RunAsync(args);

// Settings ship beside the binary; relative paths (data/inexopay.db) resolve against the working directory,
// which `dotnet run` sets to the repository root (RunWorkingDirectory in the project file).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddInexopayCore();
builder.Services.AddWebhooks();
builder.Services.AddVerification();
builder.Services.AddPanApplications();
builder.Services.AddBank();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = null);
builder.Services.AddHealthChecks();
builder.Services.AddSingleton<RequestMetrics>();
builder.Services.AddSingleton<RejectionLog>();
builder.WebHost.ConfigureKestrel(KestrelLimits.Apply);

var app = builder.Build();

await Bootstrap.MigrateAsync(app.Services);
foreach (var line in await Bootstrap.FirstRunAsync(app.Services, app.Services.GetRequiredService<TimeProvider>()))
    Console.WriteLine(line);

app.UseRequestMetrics();
app.UseApiErrors();
app.MapAccountEndpoints();
app.MapServerStatus();
app.MapSandboxTestData();
app.MapPortal();
app.MapWebhooks();
app.MapVerification();
app.MapPanApplications();
app.MapBank();
Inexopay.Server.Features.Wallet.BenchBareEndpoint.MapBenchBareEndpoint(app); // only when Bench:BareEndpoint=true
app.MapHealthChecks("/health/live");
app.MapGet("/health/ready", async (InexopayDb db, CancellationToken ct) =>
    await Bootstrap.IsReadyAsync(db, ct) ? Results.Ok(new { status = "ready" }) : Results.Json(new { status = "database unreachable" }, statusCode: 503));

await app.RunAsync();
return 0;

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
