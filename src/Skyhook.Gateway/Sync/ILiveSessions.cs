namespace Skyhook.Gateway.Sync;

/// <summary>How many VPN sessions this gateway carries now, for the heartbeat.</summary>
public interface ISessionCount
{
    public int Count { get; }
}
