using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Sync;

/// <summary>The VPN sessions this gateway carries now, for the heartbeat.</summary>
public interface ILiveSessions
{
    public IReadOnlyList<LiveSession> Live();
}
