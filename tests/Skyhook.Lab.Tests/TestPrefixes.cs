namespace Skyhook.Lab.Tests;

/// <summary>
/// Lab prefixes unique to this test run: "t" + the run's stem + a letter. ./test.sh sets the stem
/// (SKYHOOK_TEST_RUN) so that it can remove whatever a crashed run left; alone, a random one is used.
/// </summary>
internal static class TestPrefixes
{
    public static string Stem { get; } = Environment.GetEnvironmentVariable("SKYHOOK_TEST_RUN") is { Length: > 0 and <= 5 } stem
        ? stem
        : new string(Enumerable.Range(0, 5).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());

    public static string For(char role) => "t" + Stem + role;
}
