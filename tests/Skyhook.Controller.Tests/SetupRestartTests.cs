using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Skyhook.Core.Identity;

namespace Skyhook.Controller.Tests;

/// <summary>Restarts on one data directory: its own hosts, so it needs no shared fixture.</summary>
public sealed class SetupRestartTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "skyhook-controller-restart-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _cleanup = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Start_NoAdminYet_NewTokenEachStartOldOneDeadNoneAfterSetup()
    {
        var cancel = TestContext.Current.CancellationToken;
        var firstLogs = new CapturedLogs();
        string firstToken;
        await using (var first = ControllerHost.Create(_dataDirectory, ControllerDatabase.Sqlite, _time, firstLogs))
        {
            firstToken = ControllerHost.Start(first, firstLogs)!;
            Assert.NotNull(firstToken);
        }

        var secondLogs = new CapturedLogs();
        await using (var second = ControllerHost.Create(_dataDirectory, ControllerDatabase.Sqlite, _time, secondLogs))
        {
            var secondToken = ControllerHost.Start(second, secondLogs)!;
            Assert.NotEqual(firstToken, secondToken);
            using var client = second.CreateClient();
            var stale = await client.PostAsJsonAsync("/api/v1/setup", new { setupToken = firstToken, name = "admin", email = "a@example.com", password = "first admin password" }, cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);

            var setup = await client.PostAsJsonAsync("/api/v1/setup", new { setupToken = secondToken, name = "admin", email = "a@example.com", password = "first admin password" }, cancel);
            var enrolment = await ControllerFixture.ReadAsync(setup, HttpStatusCode.OK);
            var secret = Base32.Decode(enrolment.GetProperty("secret").GetString()!);
            _time.Advance(TimeSpan.FromSeconds(30));
            var totp = new Totp(_time);
            var confirm = await client.PostAsJsonAsync("/api/v1/setup/confirm", new { name = "admin", code = totp.Compute(secret, totp.GetCurrentTimeStep()) }, cancel);
            await ControllerFixture.ReadAsync(confirm, HttpStatusCode.OK);
        }

        var thirdLogs = new CapturedLogs();
        await using var third = ControllerHost.Create(_dataDirectory, ControllerDatabase.Sqlite, _time, thirdLogs);
        Assert.Null(ControllerHost.Start(third, thirdLogs));
        Assert.Contains(thirdLogs.Lines, l => l.Contains("[3001]", StringComparison.Ordinal) && l.Contains("0 migration(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondReplica_OwnKeysRefusedToStartNamingTheFolder_CopiedKeysServe()
    {
        var cancel = TestContext.Current.CancellationToken;
        var database = new ControllerDatabase("sqlite", $"Data Source={Path.Combine(_dataDirectory, "shared.db")};Foreign Keys=True");
        byte[] firstKey;
        await using (var first = ControllerHost.Create(_dataDirectory, database, _time, new CapturedLogs()))
        {
            ControllerHost.Start(first, new CapturedLogs());
            await using var scope = first.Services.CreateAsyncScope();
            firstKey = await scope.ServiceProvider.GetRequiredService<Skyhook.Controller.Pki.ControllerKeys>().SessionKeyAsync(cancel);
        }

        var strangerDirectory = _dataDirectory + "-stranger";
        _cleanup.Add(strangerDirectory);
        var strangerLogs = new CapturedLogs();
        await using (var stranger = ControllerHost.Create(strangerDirectory, database, _time, strangerLogs))
        {
            var refused = Assert.Throws<InvalidOperationException>(() => ControllerHost.Start(stranger, strangerLogs));
            Assert.Contains(Path.Combine(strangerDirectory, "keys"), refused.Message, StringComparison.Ordinal);
            Assert.Contains(strangerLogs.Lines, l => l.Contains("[3311]", StringComparison.Ordinal));
        }

        var replicaDirectory = _dataDirectory + "-replica";
        _cleanup.Add(replicaDirectory);
        Directory.CreateDirectory(Path.Combine(replicaDirectory, "keys"));
        foreach (var key in Directory.GetFiles(Path.Combine(_dataDirectory, "keys"), "*.xml"))
        {
            File.Copy(key, Path.Combine(replicaDirectory, "keys", Path.GetFileName(key)));
        }
        await using var replica = ControllerHost.Create(replicaDirectory, database, _time, new CapturedLogs());
        ControllerHost.Start(replica, new CapturedLogs());
        await using var replicaScope = replica.Services.CreateAsyncScope();
        Assert.Equal(firstKey, await replicaScope.ServiceProvider.GetRequiredService<Skyhook.Controller.Pki.ControllerKeys>().SessionKeyAsync(cancel));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var directory in _cleanup.Append(_dataDirectory).Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
