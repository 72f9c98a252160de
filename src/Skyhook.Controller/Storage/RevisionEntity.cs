namespace Skyhook.Controller.Storage;

/// <summary>
/// The one desired-state revision counter (a single row, id 1). Every save that changes what a
/// gateway enforces increments it in the same transaction (<see cref="ControllerDbContext"/>), so a
/// gateway that has applied revision N has seen every change committed before N.
/// </summary>
public sealed class RevisionEntity
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public long Value { get; set; }
}
