namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary><c>SUCCESS: text</c> or <c>ERROR: text</c>: the answer to the command sent last.</summary>
public sealed record CommandReply(bool Success, string Message) : ManagementEvent;
