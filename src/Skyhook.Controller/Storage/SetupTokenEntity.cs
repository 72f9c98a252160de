namespace Skyhook.Controller.Storage;

/// <summary>The hash of the one-time setup token; the row exists only until the first admin is enrolled.</summary>
public sealed class SetupTokenEntity
{
    public int Id { get; set; }

    public required byte[] Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
