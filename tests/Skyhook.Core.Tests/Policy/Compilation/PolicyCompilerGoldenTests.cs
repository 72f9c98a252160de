using System.Runtime.CompilerServices;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Core.Tests.Policy.Compilation;

/// <summary>
/// Golden files: <c>testdata/NAME.input.json</c> (profiles, sessions, endpoints) beside
/// <c>testdata/NAME.expected.json</c> (the nft -j transaction, indented). A change in the output
/// shows up as a diff of the expected file in review. After a deliberate change, regenerate them
/// with <c>SKYHOOK_UPDATE_GOLDEN=1</c> set while running these tests, then read the diff; without
/// it the tests only compare. Every expected file is also fed to the real nft by
/// <c>Skyhook.Gateway.Tests/Policy/NftablesCheckTests</c>.
/// </summary>
public sealed class PolicyCompilerGoldenTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TestDataFolder, "*.input.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file)[..^".input.json".Length]);
        }

        return data;
    }

    public static string TestDataFolder => Path.Combine(AppContext.BaseDirectory, "Policy", "Compilation", "testdata");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_GoldenCase_RendersTheExpectedJson(string name)
    {
        var input = GoldenInput.Read(Path.Combine(TestDataFolder, name + ".input.json")).ToCompilerInput();

        var actual = NftJson.Render(PolicyCompiler.Compile(input), indented: true);

        if (Environment.GetEnvironmentVariable("SKYHOOK_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceTestDataFolder(), name + ".expected.json"), actual);
            return;
        }

        var expectedPath = Path.Combine(TestDataFolder, name + ".expected.json");
        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing; run the tests once with SKYHOOK_UPDATE_GOLDEN=1 to create it.");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    [Fact]
    public void Cases_AtLeastTheDocumentedOnes_ArePresent() =>
        Assert.True(Cases().Count >= 9, "the golden cases were not copied to the test output");

    // The source folder, not the copy in bin/: regenerated files must land where git sees them.
    private static string SourceTestDataFolder([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "testdata");
}
