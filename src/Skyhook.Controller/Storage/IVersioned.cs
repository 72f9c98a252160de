namespace Skyhook.Controller.Storage;

/// <summary>
/// A row with an optimistic-concurrency version: every update increments it and only succeeds when
/// the stored version is still the one that was read, so two admins never silently overwrite each
/// other. The API shows it as the ETag.
/// </summary>
public interface IVersioned
{
    public long Version { get; set; }
}
