using Skyhook.Linux;

namespace Skyhook.Cli.Tests;

/// <summary>Runs the real `skyhook` command with its own configuration file.</summary>
public sealed class Cli(string configPath)
{
    public string ConfigPath { get; } = configPath;

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunWithInputAsync(null, arguments);

    /// <summary>Starts `skyhook` without waiting for it (a command that runs until stopped), its output redirected; the caller kills it.</summary>
    public System.Diagnostics.Process Start(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "skyhook"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["SKYHOOK_CONFIG"] = ConfigPath },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("skyhook did not start");
    }

    public Task<ProcessResult> RunWithInputAsync(string? standardInput, params string[] arguments) =>
        new ProcessRunner().RunAsync(
            new ProcessSpec(Path.Combine(AppContext.BaseDirectory, "skyhook"), arguments)
            {
                CheckExitCode = false,
                StandardInput = standardInput,
                Environment = new Dictionary<string, string> { ["SKYHOOK_CONFIG"] = ConfigPath },
            },
            TestContext.Current.CancellationToken);
}
