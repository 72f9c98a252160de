namespace Skyhook.Controller.Storage;

/// <summary>An access profile: base policy and ordered rules (<see cref="Core.Policy.AccessProfile"/>).</summary>
public sealed class ProfileEntity : IVersioned
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Lowercase; unique.</summary>
    public required string NormalizedName { get; set; }

    /// <summary>The text form: <c>deny-all</c> or <c>allow-all</c>.</summary>
    public required string BasePolicy { get; set; }

    public List<ProfileRuleEntity> Rules { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Version { get; set; }
}
