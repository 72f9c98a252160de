namespace Skyhook.Gateway.Sync;

/// <summary>
/// A subsystem that makes the host match a validated desired state (overlay, VPN, policy, ...).
/// Applying the same state twice changes nothing; an exception means the state is not in force
/// (the sync loop then keeps, and re-applies, the last good one).
/// </summary>
public interface IDesiredStateReconciler
{
    public string Name { get; }

    public Task ApplyAsync(ValidatedState state, CancellationToken cancellationToken);
}
