using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Host;

/// <summary>The real skyhook-gateway binary: a gateway that has not joined says so in one line and exits non-zero.</summary>
public sealed class ProgramTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("skyhook-program-");

    public void Dispose() => _data.Delete(recursive: true);

    private async Task<ProcessResult> RunAsync(params string[] args) =>
        await new ProcessRunner().RunAsync(
            new ProcessSpec("dotnet", [EndToEnd.GatewayProcess.Binary, .. args])
            {
                CheckExitCode = false,
                Timeout = TimeSpan.FromSeconds(60),
                Environment = new Dictionary<string, string> { ["Gateway__DataDirectory"] = _data.FullName },
            },
            TestContext.Current.CancellationToken);

    [Theory]
    [InlineData]
    [InlineData("run")]
    public async Task Run_NotEnrolled_OneLineAndExitCode1(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("skyhook-gateway: this gateway is not enrolled", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("skyhook-gateway join URL TOKEN --fingerprint", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_NoArguments_UsageAndExitCode2()
    {
        var result = await RunAsync("join");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: skyhook-gateway join URL TOKEN", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(_data.GetFileSystemInfos());
    }
}
