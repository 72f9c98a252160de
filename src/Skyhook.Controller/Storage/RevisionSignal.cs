using Skyhook.Controller.Hosting;

namespace Skyhook.Controller.Storage;

/// <summary>
/// Wakes the long polls of this process when the revision may have moved: after a local commit that
/// bumped it, or when <see cref="RevisionWatcher"/> sees another replica's change.
/// </summary>
public sealed class RevisionSignal : Signal;
