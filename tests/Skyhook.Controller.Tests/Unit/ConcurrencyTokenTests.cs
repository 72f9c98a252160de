using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Tests.Unit;

/// <summary>The version column is a real concurrency token: of two writers that read the same row, the second loses.</summary>
public sealed class ConcurrencyTokenTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "skyhook-concurrency-" + Guid.NewGuid().ToString("N") + ".db");

    [Fact]
    public async Task SaveChanges_TwoWritersSameVersion_SecondThrowsConcurrencyException()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using (var setup = Create())
        {
            await setup.Database.MigrateAsync(cancel);
            setup.Profiles.Add(new ProfileEntity { Name = "p", NormalizedName = "p", BasePolicy = "deny-all" });
            await setup.SaveChangesAsync(cancel);
        }

        await using var first = Create();
        await using var second = Create();
        var a = await first.Profiles.SingleAsync(cancel);
        var b = await second.Profiles.SingleAsync(cancel);
        a.BasePolicy = "allow-all";
        b.BasePolicy = "deny-all";
        b.UpdatedAt = DateTimeOffset.UnixEpoch.AddDays(1);

        await first.SaveChangesAsync(cancel);
        Assert.Equal(1, a.Version);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(cancel));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }

    private SqliteControllerDbContext Create() =>
        new(new DbContextOptionsBuilder<SqliteControllerDbContext>().UseSqlite($"Data Source={_file}").Options);
}
