using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Core.Tests.Policy.Compilation;

/// <summary>
/// Golden files for incremental changes: <c>testdata/changes/NAME.before.json</c> and
/// <c>NAME.after.json</c> (inputs as in <see cref="PolicyCompilerGoldenTests"/>) beside
/// <c>NAME.expected.json</c>, the element transaction that turns the table of the first into the
/// table of the second. Regenerate with <c>SKYHOOK_UPDATE_GOLDEN=1</c> as there. Such transactions
/// are applied to a real kernel by <c>Skyhook.Gateway.Tests/Policy/NftablesIncrementalTests</c>
/// (these files alone cannot be checked with <c>nft --check</c>: they need the table before them).
/// </summary>
public sealed class NftChangeGoldenTests
{
    private const string Folder = "changes";

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(GoldenFile.TestDataFolder, Folder), "*.before.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file)[..^".before.json".Length]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RenderChange_GoldenCase_RendersTheExpectedElements(string name)
    {
        var (before, after) = (Table(name, "before"), Table(name, "after"));

        var actual = NftJson.RenderChange(before, after, indented: true);

        Assert.NotNull(actual);
        Assert.False(NftTableDiff.Between(before, after).ReplacesTable, "the change should need elements only");
        GoldenFile.AssertMatches(Path.Combine(Folder, name + ".expected.json"), actual);
    }

    [Fact]
    public void Cases_TheDocumentedOnes_ArePresent() =>
        Assert.Equal(["container-moves", "rule-edited", "sessions-added-removed-rebound"], Cases().Select(c => c.Data));

    private static NftTable Table(string name, string side) =>
        PolicyCompiler.Compile(GoldenInput.Read(Path.Combine(GoldenFile.TestDataFolder, Folder, $"{name}.{side}.json")).ToCompilerInput());
}
