namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// One client's byte counters from the server's CLIENT_LIST: <paramref name="BytesReceived"/> came
/// from the client, <paramref name="BytesSent"/> went to it (the server's view, on the VPN transport).
/// </summary>
public sealed record ClientTraffic(ulong ClientId, long BytesReceived, long BytesSent);
