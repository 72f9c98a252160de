using Skyhook.Gateway.Host;
using Skyhook.Gateway.Tests.Sync;

namespace Skyhook.Gateway.Tests.Host;

/// <summary>Join's failures write nothing. Success against the real controller is in Vpn/Login/GatewayEndToEndTests.</summary>
public sealed class JoinCommandTests : IDisposable
{
    private readonly DirectoryInfo _parent = Directory.CreateTempSubdirectory("skyhook-join-");

    private string DataDirectory => Path.Combine(_parent.FullName, "data");

    public void Dispose() => _parent.Delete(recursive: true);

    private async Task<(int Code, string Output, string Error)> JoinAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await JoinCommand.RunAsync([.. args, "--data-dir", DataDirectory], output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("http://127.0.0.1:1", "skyhook_join_x")]
    [InlineData("http://127.0.0.1:1", "skyhook_join_x", "--fingerprint", "md5:00")]
    [InlineData("http://172.31.0.1:8080", "skyhook_join_x", "--fingerprint", "sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("http://127.0.0.1:1", "skyhook_join_x", "--fingerprint", "sha256:0000000000000000000000000000000000000000000000000000000000000000", "--bogus")]
    public async Task Run_BadArguments_ExitCode2OneLineNothingWritten(params string[] args)
    {
        var (code, _, error) = await JoinAsync(args);

        Assert.Equal(2, code);
        Assert.StartsWith("skyhook-gateway join: ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDirectory));
    }

    [Fact]
    public async Task Run_ControllerUnreachable_ClearMessageNothingWritten()
    {
        var (code, _, error) = await JoinAsync("http://127.0.0.1:1", "skyhook_join_x", "--fingerprint", "sha256:" + new string('0', 64));

        Assert.Equal(1, code);
        Assert.Contains("cannot reach the controller at http://127.0.0.1:1/", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(DataDirectory));
    }

    [Fact]
    public async Task Run_FingerprintMismatch_RefusedNothingWritten()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificate = ControllerEndpointTests.SelfSigned("impostor");
        await using var server = await FakeController.StartAsync(certificate, ct);

        var (code, _, error) = await JoinAsync(server.Url, "skyhook_join_x", "--fingerprint", "sha256:" + new string('1', 64));

        Assert.Equal(1, code);
        Assert.Contains("did not show the certificate with fingerprint sha256:1111", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDirectory));
    }
}
