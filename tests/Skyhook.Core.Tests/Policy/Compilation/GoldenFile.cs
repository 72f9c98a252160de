using System.Runtime.CompilerServices;

namespace Skyhook.Core.Tests.Policy.Compilation;

/// <summary>
/// Expected outputs under <c>testdata/</c>: compared, or written to the source folder when
/// <c>SKYHOOK_UPDATE_GOLDEN=1</c> is set (then read the diff).
/// </summary>
internal static class GoldenFile
{
    public static string TestDataFolder => Path.Combine(AppContext.BaseDirectory, "Policy", "Compilation", "testdata");

    /// <param name="relativePath">The expected file's path under testdata/.</param>
    public static void AssertMatches(string relativePath, string actual)
    {
        if (Environment.GetEnvironmentVariable("SKYHOOK_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceTestDataFolder(), relativePath), actual);
            return;
        }

        var expectedPath = Path.Combine(TestDataFolder, relativePath);
        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing; run the tests once with SKYHOOK_UPDATE_GOLDEN=1 to create it.");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    // The source folder, not the copy in bin/: regenerated files must land where git sees them.
    private static string SourceTestDataFolder([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "testdata");
}
