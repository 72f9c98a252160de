using Skyhook.Lab;

namespace Skyhook.Lab.Tests;

[Collection("lab")]
public sealed class SecondLabTests(LabFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecondLab_UpBesideTheFirstThenDown_BothWorkAndTheHostIsAsFound()
    {
        var first = fixture.Lab;
        var prefix = TestPrefixes.For('b');
        var before = await HostSnapshot.TakeAsync(prefix, Cancel);
        var second = Lab.Create(new LabOptions { Prefix = prefix, Nodes = 2 });
        try
        {
            var up = await SkyhookCli.RunAsync("lab", "up", "--prefix", prefix);
            Assert.True(up.ExitCode == 0, up.StandardError);
            Assert.Contains("==> starting 2 dockerd engines", up.StandardError);

            foreach (var lab in new[] { first, second })
            {
                var page = await lab.DockerAsync(1, ["exec", "web1", "timeout", "5", "wget", "-qO-", "http://web2/"], Cancel);
                Assert.Equal("hello from web2", page.StandardOutput.Trim());
            }
            Assert.NotEqual((await first.StatusAsync(Cancel)).HostAddress, (await second.StatusAsync(Cancel)).HostAddress);
        }
        finally
        {
            var down = await SkyhookCli.RunAsync("lab", "down", "--prefix", prefix);
            Assert.True(down.ExitCode == 0, down.StandardError);
        }

        Assert.Equal(before, await HostSnapshot.TakeAsync(prefix, Cancel));
        Assert.False((await second.StatusAsync(Cancel)).Exists);
    }

    [Fact]
    public async Task Down_LabThatDoesNotExist_DoesNothingAndSucceeds()
    {
        Requirements.RequireLab();
        var prefix = TestPrefixes.For('z');
        var before = await HostSnapshot.TakeAsync(prefix, Cancel);

        var down = await SkyhookCli.RunAsync("lab", "down", "--prefix", prefix);

        Assert.Equal(0, down.ExitCode);
        Assert.Equal(before, await HostSnapshot.TakeAsync(prefix, Cancel));
    }
}
