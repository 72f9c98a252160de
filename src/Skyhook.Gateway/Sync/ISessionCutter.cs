namespace Skyhook.Gateway.Sync;

/// <summary>
/// Cuts, the moment a new desired state arrives, the VPN sessions it no longer allows (a disabled or
/// removed user, an ended session): before, and apart from, the state's full apply, which may wait
/// behind the host work of the state before it. Safe to call again; the full apply cuts them too.
/// </summary>
public interface ISessionCutter
{
    public Task CutAsync(ValidatedState state, CancellationToken cancellationToken);
}
