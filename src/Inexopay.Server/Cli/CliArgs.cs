namespace Inexopay.Server.Cli;

/// <summary>
/// <c>verb sub --option value --option value --flag</c>. Options may repeat (<c>--bind-ip</c>, <c>--fee</c>);
/// <c>--Section:Key value</c> (anything with a colon) is configuration, as for the server.
/// </summary>
public sealed class CliArgs
{
    private static readonly HashSet<string> Flags = ["json", "help"];

    public string Verb { get; private init; } = "";
    public string Sub { get; private init; } = "";
    /// <summary>Every argument that is not an option, the verb and sub-command included.</summary>
    public IReadOnlyList<string> Positional { get; private init; } = [];
    public Dictionary<string, List<string>> Options { get; } = new(StringComparer.OrdinalIgnoreCase);
    public HashSet<string> SetFlags { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, string?> Configuration { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Json => SetFlags.Contains("json");

    public string? this[string name] => Options.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> All(string name) => Options.TryGetValue(name, out var v) ? v : [];

    public string Required(string name) => this[name] is { Length: > 0 } v ? v : throw new CliUsageError($"--{name} is required.");

    public static CliArgs Parse(string[] args)
    {
        var positional = new List<string>();
        var parsed = new CliArgs { Verb = "", Sub = "" };
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }
            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            if (value is null && Flags.Contains(name))
            {
                parsed.SetFlags.Add(name);
                continue;
            }
            if (value is null)
            {
                if (i + 1 >= args.Length) throw new CliUsageError($"--{name} needs a value.");
                value = args[++i];
            }
            if (name.Contains(':')) parsed.Configuration[name] = value;
            else
            {
                if (!parsed.Options.TryGetValue(name, out var list)) parsed.Options[name] = list = [];
                list.Add(value);
            }
        }
        return new CliArgs
        {
            Verb = positional.ElementAtOrDefault(0) ?? "",
            Sub = positional.ElementAtOrDefault(1) ?? "",
            Positional = positional,
        }.With(parsed);
    }

    private CliArgs With(CliArgs parsed)
    {
        foreach (var (k, v) in parsed.Options) Options[k] = v;
        foreach (var f in parsed.SetFlags) SetFlags.Add(f);
        foreach (var (k, v) in parsed.Configuration) Configuration[k] = v;
        return this;
    }
}

public sealed class CliUsageError(string message) : Exception(message);
