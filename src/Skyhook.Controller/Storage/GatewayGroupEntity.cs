namespace Skyhook.Controller.Storage;

/// <summary>
/// A gateway group: the VPN settings and container access every gateway in it shares. The settings
/// are one JSON document (<see cref="Groups.StoredGroupSettings"/>), validated whole before it is
/// written; swarm join tokens inside it are encrypted with Data Protection.
/// </summary>
public sealed class GatewayGroupEntity : IVersioned
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Lowercase; unique.</summary>
    public required string NormalizedName { get; set; }

    public required string Settings { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Version { get; set; }
}
