using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Inexopay.Tests.Cli;
using Inexopay.Tests.Features.Pan;
using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Sdk;

/// <summary>
/// A Fact that needs php, composer, phpunit and git (Debian's packages; .ci/run installs them). Without them it is skipped
/// locally with the reason; under CI=true it runs and fails, so CI cannot pass without the PHP SDK's tests.
/// </summary>
public sealed class PhpFactAttribute : FactAttribute
{
    public static readonly string[] Programs = ["php", "composer", "phpunit", "git"];

    public PhpFactAttribute()
    {
        var missing = Programs.Where(p => ExternalProcess.Find(p) is null).ToList();
        if (missing.Count > 0 && !TestDatabases.IsCi)
            Skip = $"{string.Join(", ", missing)} not installed: PHP SDK specs skipped locally (apt-get install php-cli php-curl php-xml php-mbstring composer phpunit git; under CI=true they run and fail).";
    }
}

/// <summary>
/// The PHP SDK (sdk/php, Composer package inexopay/inexopay-php) as an integrator gets it: installed by Composer from a
/// path or a VCS repository, its PHPUnit suite run against a real server on loopback, and the quickstart program run.
/// </summary>
public sealed class PhpSdkSpec(PathInstalledSdk installed) : IClassFixture<PathInstalledSdk>
{
    [PhpFact]
    public async Task Composer_installs_the_package_from_a_path_repository_and_its_PHPUnit_suite_passes_against_a_running_server()
    {
        var server = PanServers.For(TestDatabases.Sqlite);
        var validate = await ExternalProcess.RunAsync("composer", ["validate", "--strict", "--no-interaction"], PhpSdk.Directory, PhpSdk.ComposerEnvironment());
        Assert.True(validate.ExitCode == 0, validate.ToString());
        var project = await installed.ProjectAsync();
        var fixtures = await PhpSdk.CreateFixturesAsync(server);

        var junit = Path.Combine(project, $"junit-{Guid.NewGuid():N}.xml");
        var run = await ExternalProcess.RunAsync("phpunit", ["-c", Path.Combine(PhpSdk.Directory, "phpunit.xml.dist"), "--log-junit", junit],
            PhpSdk.Directory, new Dictionary<string, string>
            {
                ["INEXOPAY_TEST_FIXTURES"] = fixtures,
                ["INEXOPAY_AUTOLOAD"] = Path.Combine(project, "vendor", "autoload.php"),
            }, timeoutSeconds: 600);

        Assert.True(run.ExitCode == 0, "phpunit failed:\n" + ExternalProcess.Tail(run.ToString(), 200));
        var totals = XDocument.Load(junit).Root!.Element("testsuite")!;
        int Count(string name) => int.Parse(totals.Attribute(name)?.Value ?? "0");
        Assert.True((Count("failures"), Count("errors"), Count("skipped")) == (0, 0, 0), "phpunit reported problems:\n" + run.Stdout);
        // Every method and every typed exception has a test: a suite that shrank (or was filtered) is a failure.
        Assert.True(Count("tests") >= 80, $"only {Count("tests")} PHP tests ran:\n{run.Stdout}");
    }

    [PhpFact]
    public async Task Composer_installs_a_tagged_release_from_a_VCS_repository_holding_the_sdk()
    {
        var server = PanServers.For(TestDatabases.Sqlite);
        var repository = PhpSdk.TempDirectory("vcs-repository");
        var project = PhpSdk.TempDirectory("vcs-project");
        try
        {
            await InstallFromVcsAsync(server, repository, project);
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
            Directory.Delete(project, recursive: true);
        }
    }

    private static async Task InstallFromVcsAsync(InexopayServer server, string repository, string project)
    {
        PhpSdk.CopyPackage(repository);
        foreach (var args in new[]
                 {
                     new[] { "init", "-q", "-b", "main" }, ["add", "-A"],
                     ["-c", "user.name=Inexopay CI", "-c", "user.email=ci@inexopay.example", "commit", "-q", "-m", "inexopay-php 0.1.0"],
                     ["tag", "v0.1.0"],
                 })
        {
            var git = await ExternalProcess.RunAsync("git", args, repository);
            Assert.True(git.ExitCode == 0, git.ToString());
        }
        await File.WriteAllTextAsync(Path.Combine(project, "composer.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["repositories"] = new object[] { new { type = "vcs", url = repository }, new Dictionary<string, bool> { ["packagist.org"] = false } },
            ["require"] = new Dictionary<string, string> { ["inexopay/inexopay-php"] = "^0.1" },
        }));
        var install = await ExternalProcess.RunAsync("composer", ["install", "--no-interaction", "--no-progress"], project, PhpSdk.ComposerEnvironment());
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("inexopay/inexopay-php (v0.1.0)", install.Stdout + install.Stderr);

        var probe = await ExternalProcess.RunAsync("php", ["-r", """
            require 'vendor/autoload.php';
            echo (new Inexopay\Client('probe', 'ixp_test_probe', getenv('INEXOPAY_BASE_URL')))->serverStatus()->status_label;
            """], project, new Dictionary<string, string> { ["INEXOPAY_BASE_URL"] = server.BaseAddress.ToString() });
        Assert.True(probe is { ExitCode: 0, Stdout: "Online" }, probe.ToString());
    }

    [PhpFact]
    public async Task The_quickstart_places_a_PAN_application_polls_its_status_and_verifies_its_notification_in_under_20_lines()
    {
        var server = PanServers.For(TestDatabases.Sqlite);
        var source = Path.Combine(PhpSdk.Directory, "examples", "pan-quickstart.php");
        Assert.InRange(File.ReadAllLines(source).Length, 1, 19);
        var project = await installed.ProjectAsync();
        var program = Path.Combine(project, "pan-quickstart.php"); // where an integrator puts it: beside vendor/
        File.Copy(source, program, overwrite: true);
        var shop = await server.CreateResellerAsync();
        var inbox = Path.Combine(project, "tmp");
        Directory.CreateDirectory(inbox);
        var port = PhpSdk.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["INEXOPAY_BASE_URL"] = server.BaseAddress.ToString(),
            ["INEXOPAY_USERNAME"] = shop.Username,
            ["INEXOPAY_API_KEY"] = shop.TestApiKey,
            ["INEXOPAY_WEBHOOK_SECRET"] = shop.WebhookSecret,
            ["RETURN_URL"] = $"http://127.0.0.1:{port}/",
            ["TMPDIR"] = inbox,
        };

        // The same file serves as the shop's return_url under `php -S` and runs as the program.
        using var receiver = ExternalProcess.StartInBackground("php", ["-S", $"127.0.0.1:{port}", "pan-quickstart.php"], project, environment);
        await PhpSdk.WaitForPortAsync(port);
        var run = await ExternalProcess.RunAsync("php", ["pan-quickstart.php"], project, environment, timeoutSeconds: 90);

        var report = $"{run}\n--- php -S (the return_url) ---\n{receiver.Output}";
        Assert.True(run.ExitCode == 0, report);
        var placed = Regex.Match(run.Stdout, @"^PAN application (ORD[0-9a-f]{10}): SUCCESS, acknowledgement number (\d{15})$", RegexOptions.Multiline);
        Assert.True(placed.Success, report);
        Assert.Matches(@"(?m)^Notification msg_[0-9a-f]+ verified: SUCCESS$", run.Stdout);
        var (status, body) = await server.StatusAsync(shop.TestApiKey, shop.Username, placed.Groups[1].Value);
        Assert.Equal((200, "SUCCESS", placed.Groups[2].Value), (status, body.Str("status"), body.Str("reference")));
    }

    public static async Task<string> InstallFromPathRepositoryAsync()
    {
        var project = PhpSdk.TempDirectory("path-project");
        await File.WriteAllTextAsync(Path.Combine(project, "composer.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            // symlink false: Composer copies the package, so the tests run against what an integrator installs.
            ["repositories"] = new object[]
            {
                new { type = "path", url = PhpSdk.Directory, options = new { symlink = false } },
                new Dictionary<string, bool> { ["packagist.org"] = false },
            },
            ["require"] = new Dictionary<string, string> { ["inexopay/inexopay-php"] = "*@dev" },
        }));
        var install = await ExternalProcess.RunAsync("composer", ["install", "--no-interaction", "--no-progress"], project, PhpSdk.ComposerEnvironment());
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.True(File.Exists(Path.Combine(project, "vendor", "inexopay", "inexopay-php", "src", "Client.php")), install.ToString());
        return project;
    }
}

/// <summary>A Composer project that installed the SDK from a path repository, made on first use and shared by the specs of the class.</summary>
public sealed class PathInstalledSdk : IDisposable
{
    private readonly Lazy<Task<string>> _project = new(PhpSdkSpec.InstallFromPathRepositoryAsync);

    public Task<string> ProjectAsync() => _project.Value;

    public void Dispose()
    {
        if (_project.IsValueCreated && _project.Value.IsCompletedSuccessfully) Directory.Delete(_project.Value.Result, recursive: true);
    }
}
