namespace Skyhook.Controller.Sessions;

/// <summary>A live VPN session as the API shows it, from its gateway's last heartbeat.</summary>
/// <param name="Id">The session's id: what <c>DELETE /api/v1/sessions/{id}</c> takes. Empty from a gateway that does not know it.</param>
/// <param name="Address">The VPN address the gateway gave the client.</param>
/// <param name="PublicAddress">Where the client connects from, as the gateway sees it.</param>
/// <param name="BytesFromClient">Bytes the gateway received from the client (the user's uploads), on the VPN transport, as of its last heartbeat; 0 from a gateway that does not report them.</param>
/// <param name="BytesToClient">Bytes the gateway sent to the client (the user's downloads), counted the same way.</param>
public sealed record SessionView(string Id, string User, string Gateway, string Group, string Address, string? PublicAddress, DateTimeOffset Since, long BytesFromClient, long BytesToClient);
