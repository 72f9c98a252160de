namespace Skyhook.Controller.Storage;

/// <summary>
/// A VPN session an admin ended before its token expired. Its token is refused from then on, and the
/// gateways of its group cut it wherever it runs (the id is in their desired state). Rows whose
/// token has expired anyway are pruned when the next session is ended.
/// </summary>
public sealed class EndedSessionEntity
{
    /// <summary>The session's id (32 lowercase hex digits), as in the token and the heartbeats.</summary>
    public required string Id { get; set; }

    public int GroupId { get; set; }

    public required string UserName { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset EndedAt { get; set; }
}
