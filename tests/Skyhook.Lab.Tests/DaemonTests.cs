using System.Diagnostics;
using Skyhook.Lab.Processes;

namespace Skyhook.Lab.Tests;

/// <summary>What a stopped demo leaves behind is found by its command line and killed.</summary>
public sealed class DaemonTests
{
    [Fact]
    public async Task KillLeftovers_ProcessMentioningTheMark_IsKilled_OthersAreNot()
    {
        var folder = Directory.CreateTempSubdirectory("skyhook-leftover-");
        var other = Directory.CreateTempSubdirectory("skyhook-bystander-");
        using var leftover = Tail(Path.Combine(folder.FullName, "log"));
        using var bystander = Tail(Path.Combine(other.FullName, "log"));
        try
        {
            await Daemon.KillLeftoversAsync(folder.FullName, TestContext.Current.CancellationToken);

            Assert.True(leftover.WaitForExit(TimeSpan.FromSeconds(5)), "the process running from the folder is still alive");
            Assert.False(bystander.HasExited, "a process of another folder was killed");
        }
        finally
        {
            foreach (var process in new[] { leftover, bystander }.Where(p => !p.HasExited))
            {
                process.Kill();
                process.WaitForExit();
            }

            folder.Delete(recursive: true);
            other.Delete(recursive: true);
        }
    }

    /// <summary>A long-running process whose command line holds <paramref name="path"/>.</summary>
    private static Process Tail(string path)
    {
        File.WriteAllText(path, "");
        return Process.Start(new ProcessStartInfo("tail", ["-f", path]) { RedirectStandardOutput = true })!;
    }
}
