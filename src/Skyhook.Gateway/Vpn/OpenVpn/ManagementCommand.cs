namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// A command for the management interface, built only by <see cref="ManagementCommands"/> from
/// validated or quoted parts. <see cref="Text"/> is the exact text to send (one or more lines, each
/// ending in LF); <see cref="Description"/> is the same with secrets (auth-token) masked, for logs.
/// </summary>
public sealed record ManagementCommand
{
    internal ManagementCommand(string text, string description, bool replyHasLines = false)
    {
        Text = text;
        Description = description;
        ReplyHasLines = replyHasLines;
    }

    public string Text { get; }

    public string Description { get; }

    /// <summary>The reply is lines closed by <c>END</c> (<c>status</c>), not one SUCCESS/ERROR line; an ERROR line still ends it.</summary>
    public bool ReplyHasLines { get; }

    public override string ToString() => Description;
}
