namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// Any other real-time message, <c>&gt;SOURCE:text</c>, from a source the protocol defines
/// (INFO, HOLD, STATE, LOG, FATAL, ECHO, BYTECOUNT_CLI, NEED-OK, PASSWORD, ...).
/// </summary>
public sealed record ManagementNotification(string Source, string Text) : ManagementEvent;
