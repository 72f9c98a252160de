namespace Skyhook.Controller.Storage;

/// <summary>
/// A gateway of a group. Pending while it holds a join token; enrolled once the token was traded
/// for a credential. Tokens and credentials are stored as SHA-256 hashes only.
/// </summary>
public sealed class GatewayEntity : IVersioned
{
    public int Id { get; set; }

    public int GroupId { get; set; }

    public GatewayGroupEntity? Group { get; set; }

    public required string Name { get; set; }

    /// <summary>Lowercase; unique across groups (it is the certificate's common name).</summary>
    public required string NormalizedName { get; set; }

    /// <summary>Where VPN clients reach it: a host name or address, for the profiles' remote lines.</summary>
    public required string PublicEndpoint { get; set; }

    /// <summary>Its VPN client block, carved from the group's pool; unique within the group.</summary>
    public required string ClientBlock { get; set; }

    /// <summary>SHA-256 of the one-time join token; null once used.</summary>
    public byte[]? JoinTokenHash { get; set; }

    public DateTimeOffset? JoinTokenExpiresAt { get; set; }

    /// <summary>SHA-256 of the gateway's bearer credential; null while pending.</summary>
    public byte[]? CredentialHash { get; set; }

    /// <summary>The OpenVPN server certificate the CA issued at enrolment (public).</summary>
    public string? CertificatePem { get; set; }

    public DateTimeOffset? EnrolledAt { get; set; }

    public DateTimeOffset? LastHeartbeatAt { get; set; }

    public long? AppliedRevision { get; set; }

    public string? AppliedHash { get; set; }

    public string? ApplyError { get; set; }

    public int? Sessions { get; set; }

    /// <summary>The last heartbeat's live sessions (JSON array of Core's LiveSession), for the sessions API.</summary>
    public string? LiveSessionsJson { get; set; }

    public string? AgentVersion { get; set; }

    /// <summary>The highest event sequence stored for this gateway (0 before the first): what the events endpoint acknowledges.</summary>
    public long EventsAcknowledged { get; set; }

    /// <summary>The events the gateway reported it could not spool, summed over its batches.</summary>
    public long EventsDropped { get; set; }

    /// <summary>Events in the gateway's spool not yet acknowledged, as of its last heartbeat (a growing number: shipping is stuck).</summary>
    public long EventsPending { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Version { get; set; }
}
