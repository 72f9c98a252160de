namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// A CLIENT notification whose ENV block broke the rules (too big, duplicate names, cut short by
/// another line). Its content is dropped. When <see cref="KeyId"/> is set (CONNECT or REAUTH) the
/// client still waits for an answer: deny it rather than leave it to the hand-window timeout.
/// </summary>
public sealed record ClientNotificationRefused(string Kind, ulong ClientId, ulong? KeyId, string Reason) : ManagementEvent;
