using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Sync;

/// <summary>The VPN sessions this gateway carries now, for the heartbeat.</summary>
public interface ILiveSessions
{
    /// <summary>
    /// The sessions with their byte counters as fresh as can be had now (asking the VPN daemon may
    /// take a moment); never throws for a daemon that does not answer: the last known counters do.
    /// </summary>
    public Task<IReadOnlyList<LiveSession>> LiveAsync(CancellationToken cancellationToken);
}
