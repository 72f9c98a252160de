namespace Skyhook.Gateway.Discovery;

public static class EndpointFollowing
{
    /// <summary>
    /// Calls <paramref name="changed"/> with every new snapshot until <paramref name="cancellationToken"/>
    /// fires (then returns quietly). A snapshot that arrives while <paramref name="changed"/> runs is
    /// not lost: the next wait returns it at once. <paramref name="changed"/> handles its own failures.
    /// </summary>
    public static async Task FollowAsync(this IEndpointSource endpoints, Func<EndpointSnapshot, CancellationToken, Task> changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(changed);
        var seen = endpoints.Current.Version;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var snapshot = await endpoints.WaitForChangeAsync(seen, cancellationToken);
                seen = snapshot.Version;
                await changed(snapshot, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
