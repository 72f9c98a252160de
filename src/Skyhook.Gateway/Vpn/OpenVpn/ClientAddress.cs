using System.Net;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// <c>&gt;CLIENT:ADDRESS,{CID},{ADDR},{PRI}</c>: a VPN address (or, with a prefix length, a subnet
/// from an iroute) now belongs to the client. Primary is the client's own address.
/// </summary>
public sealed record ClientAddress(ulong ClientId, IPAddress Address, int? PrefixLength, bool Primary) : ManagementEvent;
