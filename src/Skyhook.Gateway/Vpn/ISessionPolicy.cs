namespace Skyhook.Gateway.Vpn;

/// <summary>
/// The data path's view of the sessions: told when <see cref="VpnSessions"/> changed, it binds the
/// new sessions' addresses to their profiles (and unbinds the ended ones) before it returns, so a
/// login is answered only once its first packet would be judged by the right profile.
/// </summary>
public interface ISessionPolicy
{
    /// <exception cref="InvalidOperationException">The binding could not be applied; the session must not be admitted.</exception>
    public Task SessionsChangedAsync(CancellationToken cancellationToken);
}
