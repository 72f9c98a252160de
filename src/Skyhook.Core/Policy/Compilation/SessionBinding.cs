using System.Net;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>A connected VPN client: the tunnel address the gateway gave it and the name of its profile.</summary>
public sealed record SessionBinding(IPAddress ClientAddress, string ProfileName);
