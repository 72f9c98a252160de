namespace Skyhook.Controller.Storage;

/// <summary>
/// Key material every replica must share: the VPN CA (certificate in the clear, private key
/// encrypted with Data Protection) and the session-token signing key (encrypted).
/// </summary>
public sealed class ControllerKeyEntity
{
    /// <summary>Such as <c>ca.certificate</c>, <c>ca.key</c>, <c>session.key</c>.</summary>
    public required string Name { get; set; }

    public required string Value { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
