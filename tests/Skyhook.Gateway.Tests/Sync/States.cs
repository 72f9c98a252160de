using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Tests.Sync;

/// <summary>Desired states for tests: a valid one of the seed's shape, and variations of it.</summary>
internal static class States
{
    public static DesiredState Valid(long revision = 1, params UserDocument[] users) => DesiredStateHash.Seal(new DesiredState(
        ContractVersion.Current,
        revision,
        "",
        new GatewayAssignment("gw1", "192.168.43.0/24", "198.51.100.1"),
        new GroupDocument("default", "udp", 1194, "split", ["10.20.0.0/16"], ["10.0.0.2"], ["apps.internal"], 43200,
            [new OverlayDocument("multi-host-overlay", "10.0.0.0/16", true, null, null)]),
        [new ProfileDocument("dev", "deny-all", ["allow container web1 tcp 80", "allow cidr 10.0.3.0/24 all"])],
        users.Length > 0 ? users : [new UserDocument("alice", "dev", true), new UserDocument("bob", "dev", false)]));

    /// <summary>The same state with one field changed, resealed so only the change can make it invalid.</summary>
    public static DesiredState With(this DesiredState state, Func<DesiredState, DesiredState> change) =>
        DesiredStateHash.Seal(change(state));
}
