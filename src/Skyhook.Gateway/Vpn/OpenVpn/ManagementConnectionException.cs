namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>The management connection is closed or failed; a command could not be sent or answered.</summary>
public sealed class ManagementConnectionException : Exception
{
    public ManagementConnectionException()
    {
    }

    public ManagementConnectionException(string message) : base(message)
    {
    }

    public ManagementConnectionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
