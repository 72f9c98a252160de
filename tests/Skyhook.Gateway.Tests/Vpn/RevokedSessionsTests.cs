using System.Net;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Tests.Sync;
using Skyhook.Gateway.Vpn;

namespace Skyhook.Gateway.Tests.Vpn;

/// <summary>Which sessions a desired state ends (<see cref="OpenVpnReconciler.Revoked"/>).</summary>
public sealed class RevokedSessionsTests
{
    private static VpnSession Session(ulong cid, string user, long? admittedAt, string? id = null) =>
        new(cid, user, "dev", IPAddress.Parse("192.168.43." + (cid + 10)), null, DateTimeOffset.UtcNow, id) { AdmittedAt = admittedAt };

    private static ValidatedState State(long revision, params string[] endedSessions) =>
        DesiredStateValidator.Validate(
            DesiredStateHash.Seal(States.Valid(revision) with { EndedSessions = endedSessions }), out var errors)
        ?? throw new InvalidOperationException(string.Join("; ", errors));

    [Fact]
    public void Revoked_DisabledOrEndedCut_UserNewerThanTheStateKept()
    {
        var ended = new string('a', 32);
        var sessions = new[]
        {
            Session(1, "alice", 5),                // enabled in the state
            Session(2, "bob", 5),                  // disabled in revision 7
            Session(3, "carol", 9),                // admitted at 9: the state of 7 does not know her yet
            Session(4, "dave", 7),                 // admitted at 7 and missing from 7: removed
            Session(5, "erin", null),              // a controller that does not say: missing means removed
            Session(6, "alice", 9, ended),         // ended by an admin, however new
        };

        var revoked = OpenVpnReconciler.Revoked(sessions, State(7, ended));

        Assert.Equal([2UL, 4, 5, 6], revoked.Select(s => s.ClientId));
    }
}
