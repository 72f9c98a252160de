using Skyhook.Lab;
using Skyhook.Linux;

namespace Skyhook.Lab.Tests;

/// <summary>Bad input to `skyhook lab`: one clear message, a failing exit code, and nothing created.</summary>
[Collection("lab")]
public sealed class BadInputTests(LabFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("--nodes", "0", "--nodes 0 is out of range")]
    [InlineData("--nodes", "1000", "--nodes 1000 is out of range")]
    [InlineData("--prefix", "Bad_Prefix", "--prefix 'Bad_Prefix' is not usable")]
    [InlineData("--prefix", "waytoolongprefix", "--prefix 'waytoolongprefix' is not usable")]
    [InlineData("--prefix", "a\nb", "--prefix 'a\\x0ab' is not usable")]
    [InlineData("--prefix", "a;rm", "--prefix 'a;rm' is not usable")]
    public async Task Up_InvalidOption_SaysWhatIsWrongAndCreatesNothing(string option, string value, string message)
    {
        Requirements.RequireLab();
        // What a lab would be named had the option been taken: the bad prefix, or the default one.
        var prefix = option == "--prefix" ? value : LabOptions.DefaultPrefix;
        var before = await HostSnapshot.TakeAsync(prefix, Cancel);

        var result = await SkyhookCli.RunAsync("lab", "up", option, value);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.StandardError);
        Assert.Single(result.StandardError.Trim().Split('\n'));
        Assert.Equal(before, await HostSnapshot.TakeAsync(prefix, Cancel));
    }

    [Fact]
    public async Task Up_PrefixUsedByNamespacesNoLabMade_RefusesAndTouchesNothing()
    {
        Requirements.RequireLab();
        var prefix = TestPrefixes.For('f');
        var runner = new ProcessRunner();
        await runner.RunAsync("ip", ["netns", "add", prefix + "-n1"], Cancel);
        try
        {
            var before = await HostSnapshot.TakeAsync(prefix, Cancel);

            var up = await SkyhookCli.RunAsync("lab", "up", "--prefix", prefix);
            var down = await SkyhookCli.RunAsync("lab", "down", "--prefix", prefix);

            Assert.Equal(1, up.ExitCode);
            Assert.Contains($"prefix '{prefix}' is in use on this host by network namespaces no Skyhook lab made ({prefix}-n1)", up.StandardError);
            Assert.Equal(1, down.ExitCode);
            Assert.Contains("no Skyhook lab made", down.StandardError);
            Assert.Equal(before, await HostSnapshot.TakeAsync(prefix, Cancel));
            Assert.True(File.Exists($"/run/netns/{prefix}-n1"));
        }
        finally
        {
            await runner.RunAsync(new ProcessSpec("ip", ["netns", "delete", prefix + "-n1"]) { CheckExitCode = false }, Cancel);
        }
    }

    [Fact]
    public async Task Up_PrefixOfALabWithOtherNodeCount_RefusesAndLeavesThatLabAlone()
    {
        var prefix = fixture.Lab.Options.Prefix;
        var before = await fixture.Lab.StatusAsync(Cancel);

        var up = await SkyhookCli.RunAsync("lab", "up", "--prefix", prefix, "--nodes", "3");

        Assert.Equal(1, up.ExitCode);
        Assert.Contains($"prefix '{prefix}' is in use by a lab with 2 nodes", up.StandardError);
        var after = await fixture.Lab.StatusAsync(Cancel);
        Assert.Equal(before.Nodes.Select(n => n.Namespace), after.Nodes.Select(n => n.Namespace));
    }

    [Fact]
    public async Task Up_NotRoot_SaysItNeedsRoot()
    {
        Requirements.RequireLab();

        var result = await SkyhookCli.RunAsNobodyAsync("lab", "up", "--prefix", TestPrefixes.For('r'));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the lab needs root", result.StandardError);
    }

    [Fact]
    public async Task Up_NoDockerdOnPath_NamesTheMissingToolAndItsPackage()
    {
        Requirements.RequireLab();
        var prefix = TestPrefixes.For('m');
        var before = await HostSnapshot.TakeAsync(prefix, Cancel);

        // dockerd lives in /usr/sbin; without it on PATH the lab must stop before creating anything.
        var result = await SkyhookCli.RunAsync(new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, "lab", "up", "--prefix", prefix);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("dockerd (apt-get install docker.io)", result.StandardError);
        Assert.Equal(before, await HostSnapshot.TakeAsync(prefix, Cancel));
    }
}
