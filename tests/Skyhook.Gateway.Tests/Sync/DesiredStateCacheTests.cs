using Skyhook.Gateway.Sync;

namespace Skyhook.Gateway.Tests.Sync;

public sealed class DesiredStateCacheTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("skyhook-cache-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void SaveThenLoad_RoundTrip_SameDocumentAndSecretMode()
    {
        var cache = new DesiredStateCache(Path.Combine(_directory.FullName, "desired-state.json"));
        var state = States.Valid(5);

        cache.Save(state);
        var loaded = cache.Load();

        Assert.NotNull(loaded);
        Assert.Equal(state.Hash, loaded.Hash);
        Assert.Equal(5, loaded.Revision);
        Assert.Equal(state.Users, loaded.Users);
        Assert.Equal(state.Group.Overlays, loaded.Group.Overlays);
        Assert.NotNull(DesiredStateValidator.Validate(loaded, out _));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cache.Path));
    }

    [Fact]
    public void Save_Twice_ReplacesAtomicallyAndLeavesNoTemporaryFile()
    {
        var cache = new DesiredStateCache(Path.Combine(_directory.FullName, "desired-state.json"));
        cache.Save(States.Valid(1));
        using var reader = new FileStream(cache.Path, FileMode.Open, FileAccess.Read);

        cache.Save(States.Valid(2));

        // The open handle still sees the old file whole: the new one came by rename, not by rewrite.
        Assert.Contains("\"revision\":1", new StreamReader(reader).ReadToEnd(), StringComparison.Ordinal);
        Assert.Equal(2, cache.Load()!.Revision);
        Assert.Equal(["desired-state.json"], _directory.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void Load_NoFile_Null()
    {
        Assert.Null(new DesiredStateCache(Path.Combine(_directory.FullName, "none.json")).Load());
    }

    [Fact]
    public void Load_Garbage_ThrowsInvalidData()
    {
        var path = Path.Combine(_directory.FullName, "desired-state.json");
        File.WriteAllText(path, "{ half");
        Assert.Throws<InvalidDataException>(() => new DesiredStateCache(path).Load());
    }
}
