using Skyhook.Linux;

namespace Skyhook.Cli.Tests;

/// <summary>Runs the real `skyhook` command with its own configuration file.</summary>
public sealed class Cli(string configPath)
{
    public string ConfigPath { get; } = configPath;

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunWithInputAsync(null, arguments);

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
