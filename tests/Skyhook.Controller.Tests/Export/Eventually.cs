namespace Skyhook.Controller.Tests.Export;

internal static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> (a read, never a change) holds; fails with <paramref name="expected"/> after the timeout.</summary>
    public static async Task HoldsAsync(Func<bool> condition, string expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting: " + expected);
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
