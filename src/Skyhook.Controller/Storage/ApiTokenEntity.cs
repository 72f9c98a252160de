namespace Skyhook.Controller.Storage;

/// <summary>An admin's API token. Only its SHA-256 hash is stored; the token is shown once.</summary>
public sealed class ApiTokenEntity
{
    public int Id { get; set; }

    public int UserId { get; set; }

    public UserEntity? User { get; set; }

    public required string Name { get; set; }

    /// <summary>SHA-256 of the token: 32 random bytes need no salt or slow hash.</summary>
    public required byte[] Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? CreatedFrom { get; set; }
}
