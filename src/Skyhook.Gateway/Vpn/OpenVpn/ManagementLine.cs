namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>One line read from the management socket, or the fact that a line was too long (its text is then empty).</summary>
internal readonly record struct ManagementLine(string Text, bool Oversized, int Length);
