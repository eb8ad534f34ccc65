using System.Diagnostics;
using System.Text;

namespace Inexopay.Tests.Infrastructure;

public sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"$ {Command}\nexit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs a program of the machine (php, composer, git) for a spec, with a bound so a hang fails instead of stalling.</summary>
public static class ExternalProcess
{
    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    /// <summary>Starts a long-running helper (e.g. `php -S`); its output is collected for failure messages. Dispose stops it.</summary>
    public static BackgroundProcess StartInBackground(string program, IEnumerable<string> args, string workingDirectory,
        IDictionary<string, string>? environment = null) => new(Start(program, args, workingDirectory, environment));

    private static Process Start(string program, IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Find(program) ?? program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
    }

    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> args, string workingDirectory,
        IDictionary<string, string>? environment = null, int timeoutSeconds = 300)
    {
        var argList = args.ToList();
        var command = program + " " + string.Join(' ', argList);
        using var process = Start(program, argList, workingDirectory, environment);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new ProcessResult(command, -1, await stdout, await stderr + $"\n(killed after {timeoutSeconds} s)");
        }
        return new ProcessResult(command, process.ExitCode, await stdout, await stderr);
    }


    public static string Tail(string text, int lines = 80)
    {
        var all = text.Split('\n');
        return all.Length <= lines ? text : new StringBuilder("…\n").AppendJoin('\n', all[^lines..]).ToString();
    }
}

/// <summary>A process a spec started and owns: output drained into <see cref="Output"/>, stopped (with its children) on dispose.</summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public BackgroundProcess(Process process)
    {
        _process = process;
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
