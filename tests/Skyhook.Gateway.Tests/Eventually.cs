namespace Skyhook.Gateway.Tests;

/// <summary>Waits for distributed state by polling a read-only check; fails with what was expected.</summary>
internal static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T?>> read, string expected, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"expected within {timeout.TotalSeconds:0} s: {expected}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    public static Task<T> Get<T>(Func<T?> read, string expected, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class =>
        Get(() => Task.FromResult(read()), expected, timeout, cancellationToken);

    public static Task True(Func<Task<bool>> check, string expected, TimeSpan timeout, CancellationToken cancellationToken) =>
        Get(async () => await check() ? "" : null, expected, timeout, cancellationToken);

    public static Task True(Func<bool> check, string expected, TimeSpan timeout, CancellationToken cancellationToken) =>
        Get(() => check() ? "" : null, expected, timeout, cancellationToken);
}
