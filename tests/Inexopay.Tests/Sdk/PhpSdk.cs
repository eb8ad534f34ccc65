using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Inexopay.Tests.Cli;
using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Sdk;

/// <summary>Where the PHP SDK lives, the accounts its integration tests use, and the plumbing to run it.</summary>
public static class PhpSdk
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Directory => Path.Combine(RepositoryRoot, "sdk", "php");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Inexopay.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Inexopay.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Composer on its own home and cache (never the user's), offline (packagist is disabled per project), quiet as root.</summary>
    public static Dictionary<string, string> ComposerEnvironment()
    {
        var home = Path.Combine(Path.GetTempPath(), "inexopay-php-sdk", "composer-home");
        return new Dictionary<string, string>
        {
            ["COMPOSER_HOME"] = home,
            ["COMPOSER_CACHE_DIR"] = Path.Combine(home, "cache"),
            ["COMPOSER_ALLOW_SUPERUSER"] = "1",
            ["COMPOSER_NO_INTERACTION"] = "1",
            ["COMPOSER_NO_AUDIT"] = "1",
        };
    }

    public static string TempDirectory(string purpose)
    {
        var dir = Path.Combine(Path.GetTempPath(), "inexopay-php-sdk", $"{purpose}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Copies the package (not a local vendor/ or caches) as a repository holding only the SDK would have it.</summary>
    public static void CopyPackage(string target)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Directory, file);
            if (relative.StartsWith("vendor" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith(".phpunit", StringComparison.Ordinal)
                || relative == "composer.lock")
                continue;
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Waits (bounded) until something listens on the loopback port.</summary>
    public static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>
    /// The accounts sdk/php/tests/Support/Fixtures.php expects, created with the operator CLI on the server's database,
    /// as INEXOPAY_TEST_FIXTURES JSON.
    /// </summary>
    public static async Task<string> CreateFixturesAsync(InexopayServer server)
    {
        var cli = new CliRunner(server.Configuration);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var trickle = $"SdkTrickle{tag}";
        var verifyOnly = $"SdkVerifyOnly{tag}";
        await cli.OkAsync("plans", "create", "--name", trickle, "--price", "0", "--validity-days", "30", "--rate-limit", "2", "--fee", "pan_verification=1.50");
        await cli.OkAsync("plans", "create", "--name", verifyOnly, "--price", "0", "--validity-days", "30", "--rate-limit", "600", "--fee", "pan_verification=1.50");

        var accounts = new Dictionary<string, object>();
        async Task<string> User(string name, params string[] options)
        {
            var created = await cli.JsonAsync(["users", "create", "--username", $"php_{name}_{tag}", "--name", $"PHP SDK {name}",
                "--email", $"{name.Replace('_', '-')}@shop.example", .. options]);
            accounts[name] = new
            {
                username = created.GetProperty("username").GetString(),
                test_key = created.GetProperty("test_api_key").GetString(),
                live_key = created.GetProperty("live_api_key").GetString(),
                webhook_secret = created.GetProperty("webhook_secret").GetString(),
            };
            return created.GetProperty("username").GetString()!;
        }

        await User("main", "--plan", "Premium", "--bind-ip", "127.0.0.1", "--bind-ip", "::1", "--credit", "1000");
        var broke = await User("broke", "--plan", "Premium", "--bind-ip", "127.0.0.1");
        await cli.OkAsync("wallet", "debit", "--username", broke, "--mode", "test", "--amount", "10000");
        var suspended = await User("suspended", "--plan", "Premium", "--bind-ip", "127.0.0.1");
        await cli.OkAsync("users", "suspend", "--username", suspended);
        await User("no_plan", "--bind-ip", "127.0.0.1");
        var expired = await User("expired", "--plan", "Premium", "--bind-ip", "127.0.0.1");
        await cli.OkAsync("users", "plan", "--username", expired, "--plan", "Premium", "--expires", "2020-01-01");
        await User("limited", "--plan", trickle, "--bind-ip", "127.0.0.1");
        await User("verify_only", "--plan", verifyOnly, "--bind-ip", "127.0.0.1");
        await User("foreign", "--plan", "Premium", "--bind-ip", "203.0.113.7", "--credit", "100");

        return JsonSerializer.Serialize(new { base_url = server.BaseAddress.ToString().TrimEnd('/'), accounts });
    }
}
