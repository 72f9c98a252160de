using Skyhook.Linux;

namespace Skyhook.Lab.Tests;

/// <summary>Runs the real `skyhook` command (built beside the tests) as a separate process.</summary>
internal static class SkyhookCli
{
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "skyhook");

    public static Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync(new Dictionary<string, string>(), arguments);

    public static Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        new ProcessRunner().RunAsync(
            new ProcessSpec(Executable, arguments) { CheckExitCode = false, Environment = environment, Timeout = TimeSpan.FromMinutes(5) },
            TestContext.Current.CancellationToken);

    /// <summary>
    /// Runs the command as user nobody. The build output may sit under a folder nobody cannot read
    /// (/root), so it runs from a world-readable copy.
    /// </summary>
    public static async Task<ProcessResult> RunAsNobodyAsync(params string[] arguments)
    {
        var copy = Directory.CreateTempSubdirectory("skyhook-cli-");
        try
        {
            foreach (var file in Directory.GetFiles(AppContext.BaseDirectory))
            {
                File.Copy(file, Path.Combine(copy.FullName, Path.GetFileName(file)));
            }
            File.SetUnixFileMode(copy.FullName, (UnixFileMode)0b111_101_101);
            return await new ProcessRunner().RunAsync(
                new ProcessSpec("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Path.Combine(copy.FullName, "skyhook"), .. arguments])
                {
                    CheckExitCode = false,
                    Environment = new Dictionary<string, string> { ["HOME"] = "/tmp", ["DOTNET_CLI_HOME"] = "/tmp" },
                },
                TestContext.Current.CancellationToken);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }
}
