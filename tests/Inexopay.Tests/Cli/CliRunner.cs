using System.Text.Json;
using Inexopay.Server.Cli;

namespace Inexopay.Tests.Cli;

public sealed record CliResult(int Exit, string Stdout, string Stderr)
{
    /// <summary>The whole of stdout as one JSON document (what --json promises).</summary>
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

    public override string ToString() => $"exit {Exit}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs the operator CLI in-process, as `Inexopay.Server ARGS --Database:Provider … --ConnectionStrings:Default …`.</summary>
public sealed class CliRunner(IReadOnlyDictionary<string, string?> database)
{
    public async Task<CliResult> RunAsync(params string[] args)
    {
        var withDatabase = args.Concat(database.Where(s => s.Key is "Database:Provider" or "ConnectionStrings:Default")
            .SelectMany(s => new[] { "--" + s.Key, s.Value! })).ToArray();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await OperatorCli.RunAsync(withDatabase, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a command that must succeed.</summary>
    public async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.Exit == 0, $"{string.Join(' ', args)} failed: {result}");
        return result;
    }

    /// <summary>Runs a command that must succeed and print JSON.</summary>
    public async Task<JsonElement> JsonAsync(params string[] args) => (await OkAsync([.. args, "--json"])).Json;

    public async Task<JsonElement> UserAsync(string username)
    {
        var users = await JsonAsync("users", "list");
        return users.EnumerateArray().Single(u => u.GetProperty("username").GetString() == username);
    }

    public static string NewUsername() => "cli_" + Guid.NewGuid().ToString("N")[..10];
}
