using Skyhook.Core.Identity;

namespace Skyhook.Cli.Tests;

/// <summary>`skyhook lab code`: the demo's one-time codes without an authenticator app.</summary>
public sealed class LabCodeTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("skyhook-cli-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Code_SecretOnStandardInput_PrintsTheCurrentCode()
    {
        var secret = Totp.GenerateSecret();
        var totp = new Totp(TimeProvider.System);
        var before = totp.GetCurrentTimeStep();

        var result = await new Cli(Path.Combine(_scratch, "cli.json")).RunWithInputAsync(Base32.Encode(secret) + "\n", "lab", "code");

        var after = totp.GetCurrentTimeStep();
        Assert.Equal(0, result.ExitCode);
        var code = result.StandardOutput.Split(' ')[0];
        Assert.Contains(code, new[] { totp.Compute(secret, before), totp.Compute(secret, after) });
    }

    [Theory]
    [InlineData("not base32!", "not base32")]
    [InlineData("JBSWY3DPEHPK3PXP", "at least 16")]
    public async Task Code_BadSecret_OneClearMessage(string secret, string expected)
    {
        var result = await new Cli(Path.Combine(_scratch, "cli.json")).RunWithInputAsync(secret + "\n", "lab", "code");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StandardError);
        Assert.Empty(result.StandardOutput);
        Assert.DoesNotContain("Exception", result.StandardError);
    }
}
