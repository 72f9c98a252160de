namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// The answer to the command sent last: <c>SUCCESS: text</c> or <c>ERROR: text</c>, or for a command
/// whose output is lines (<c>status</c>), those lines up to the closing <c>END</c> in
/// <paramref name="Lines"/> (then Success is true and Message empty). Lines is null for a one-line reply.
/// </summary>
public sealed record CommandReply(bool Success, string Message, IReadOnlyList<string>? Lines = null) : ManagementEvent;
