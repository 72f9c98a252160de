namespace Skyhook.Controller.Sessions;

/// <summary>A live VPN session as the API shows it, from its gateway's last heartbeat.</summary>
/// <param name="Id">The session's id: what <c>DELETE /api/v1/sessions/{id}</c> takes. Empty from a gateway that does not know it.</param>
/// <param name="Address">The VPN address the gateway gave the client.</param>
/// <param name="PublicAddress">Where the client connects from, as the gateway sees it.</param>
public sealed record SessionView(string Id, string User, string Gateway, string Group, string Address, string? PublicAddress, DateTimeOffset Since);
