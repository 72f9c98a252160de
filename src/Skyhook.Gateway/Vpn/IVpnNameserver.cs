using System.Net;

namespace Skyhook.Gateway.Vpn;

/// <summary>The DNS service clients are given at login: this gateway's own, when it serves one.</summary>
public interface IVpnNameserver
{
    /// <summary>The address to push as the client's nameserver; null when no DNS service runs (the controller's push stands).</summary>
    public IPAddress? Address { get; }
}
