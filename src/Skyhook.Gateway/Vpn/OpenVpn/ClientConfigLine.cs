namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>One client-connect directive: the text sent, and the same with secrets masked for logs.</summary>
public sealed record ClientConfigLine(string Text, string Description)
{
    public override string ToString() => Description;
}
