namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// A command for the management interface, built only by <see cref="ManagementCommands"/> from
/// validated or quoted parts. <see cref="Text"/> is the exact text to send (one or more lines, each
/// ending in LF); <see cref="Description"/> is the same with secrets (auth-token) masked, for logs.
/// </summary>
public sealed record ManagementCommand
{
    internal ManagementCommand(string text, string description)
    {
        Text = text;
        Description = description;
    }

    public string Text { get; }

    public string Description { get; }

    public override string ToString() => Description;
}
