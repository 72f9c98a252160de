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
        foreach (var file in Directory.GetFiles(GoldenFile.TestDataFolder, "*.input.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file)[..^".input.json".Length]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_GoldenCase_RendersTheExpectedJson(string name)
    {
        var input = GoldenInput.Read(Path.Combine(GoldenFile.TestDataFolder, name + ".input.json")).ToCompilerInput();

        var actual = NftJson.Render(PolicyCompiler.Compile(input), indented: true);

        GoldenFile.AssertMatches(name + ".expected.json", actual);
    }

    [Fact]
    public void Cases_AtLeastTheDocumentedOnes_ArePresent() =>
        Assert.True(Cases().Count >= 9, "the golden cases were not copied to the test output");
}
