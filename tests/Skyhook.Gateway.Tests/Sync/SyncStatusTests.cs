using Skyhook.Gateway.Sync;

namespace Skyhook.Gateway.Tests.Sync;

public sealed class SyncStatusTests
{
    [Fact]
    public void ApplyError_ErrorAndReconcilerProblems_CombinedUntilCleared()
    {
        var status = new SyncStatus();
        Assert.Null(status.ApplyError);

        status.Failed("revision 3 rejected: x");
        status.SetProblem("overlay", "multi-host-overlay: swarm manager unreachable");
        Assert.Equal("revision 3 rejected: x; overlay: multi-host-overlay: swarm manager unreachable", status.ApplyError);

        status.Succeeded(Skyhook.Gateway.Sync.DesiredStateValidator.Validate(States.Valid(4), out _)!);
        Assert.Equal("overlay: multi-host-overlay: swarm manager unreachable", status.ApplyError);

        status.SetProblem("overlay", null);
        Assert.Null(status.ApplyError);
    }
}
