namespace Skyhook.Console.Tests;

/// <summary>
/// What the browser tests need from the host. On a developer box without it they skip; under CI (CI
/// is set) a missing requirement fails them, so that a skip can never hide a broken CI.
/// </summary>
internal static class Requirements
{
    public static bool OnCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Null when the browser tests can run here; otherwise why not.</summary>
    public static string? WhyNoChromium() => HeadlessChromium.WhyMissing();

    public static void RequireChromium()
    {
        if (WhyNoChromium() is { } reason)
        {
            if (OnCi)
            {
                Assert.Fail("CI must run the browser tests: " + reason);
            }
            Assert.Skip(reason);
        }
    }
}
