using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Skyhook.Controller.Gateways;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Tests;

public abstract class DesiredStateTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Config_TwoGatewaysOfAGroup_SameHashOwnAssignmentAllProfilesAndUsers()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "ds-hash", clientPool: "192.168.40.0/22");
        await ProfilesApiTests.CreateProfileAsync(admin, "ds-hash-profile");
        await ControllerFixture.ReadAsync(await admin.PostAsJsonAsync("/api/v1/users", new { name = "ds-hash-user", email = "d@example.com", profile = "ds-hash-profile" }, Cancel), HttpStatusCode.Created);
        var (_, gw1) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-hash", "ds-hash-1");
        var (_, gw2) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-hash", "ds-hash-2");
        using (gw1)
        using (gw2)
        {
            var first = await Gateways.ConfigAsync(gw1);
            var second = await Gateways.ConfigAsync(gw2);
            Assert.Equal(first.Revision, second.Revision);
            Assert.Equal(first.Hash, second.Hash);
            Assert.Matches("^[0-9a-f]{64}$", first.Hash);
            Assert.Equal(("ds-hash-1", "192.168.40.0/24"), (first.Gateway.Name, first.Gateway.ClientBlock));
            Assert.Equal(("ds-hash-2", "192.168.41.0/24"), (second.Gateway.Name, second.Gateway.ClientBlock));
            Assert.Equal(ContractVersion.Current, first.ContractVersion);
            var profile = Assert.Single(first.Profiles, p => p.Name == "ds-hash-profile");
            Assert.Equal(["allow container web1 tcp 80"], profile.Rules);
            Assert.Contains(new UserDocument("ds-hash-user", "ds-hash-profile", true), first.Users);
            Assert.Equal("multi-host-overlay", Assert.Single(first.Group.Overlays).Name);
        }
    }

    [Fact]
    public async Task Config_Behind_ReturnsAtOnce_Current_NotModifiedAfterTimeout()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "ds-poll");
        var (_, gateway) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-poll", "ds-poll-1");
        using (gateway)
        {
            var state = await Gateways.ConfigAsync(gateway);
            var behind = await Gateways.ConfigAsync(gateway, state.Revision - 1);
            Assert.Equal(state.Revision, behind.Revision);

            var poll = gateway.GetAsync($"/api/v1/gateway/config?after={state.Revision}", Cancel);
            await Task.Delay(300, Cancel);
            Assert.False(poll.IsCompleted, "A gateway that is current must wait.");

            // The wait is on the controller's clock: move it past the 25 s timeout.
            for (var i = 0; i < 100 && !poll.IsCompleted; i++)
            {
                fixture.Time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(20, Cancel);
            }

            var response = await poll.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }
    }

    [Fact]
    public async Task Config_ProfileChangesDuringPoll_ReturnsEarlyWithNewRevision()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "ds-wake");
        var (_, gateway) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-wake", "ds-wake-1");
        using (gateway)
        {
            var state = await Gateways.ConfigAsync(gateway);
            var poll = gateway.GetAsync($"/api/v1/gateway/config?after={state.Revision}", Cancel);
            await Task.Delay(300, Cancel);
            Assert.False(poll.IsCompleted);

            // No clock movement: only the change can end the wait.
            await ProfilesApiTests.CreateProfileAsync(admin, "ds-wake-profile");
            var response = await poll.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
            var body = await ControllerFixture.ReadAsync(response, HttpStatusCode.OK);
            Assert.True(body.GetProperty("revision").GetInt64() > state.Revision);
            Assert.Contains(body.GetProperty("profiles").EnumerateArray(), p => p.GetProperty("name").GetString() == "ds-wake-profile");
            Assert.NotEqual(state.Hash, body.GetProperty("hash").GetString());
        }
    }

    [Fact]
    public async Task Config_ChangeThroughAnotherReplica_WakesPollWhenCounterIsRead()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "ds-replica");
        var (enrolment, first) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-replica", "ds-replica-1");
        first.Dispose();

        // A second controller on the same database and keys, with a clock of its own.
        var replicaTime = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(fixture.Time.GetUtcNow());
        await using var replica = ControllerHost.Create(fixture.DataDirectory, fixture.Database, replicaTime, new CapturedLogs());
        using var gateway = replica.CreateClient();
        gateway.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", enrolment.Credential);
        gateway.DefaultRequestHeaders.Add(ContractVersion.Header, "1");
        var state = await Gateways.ConfigAsync(gateway);
        var poll = gateway.GetAsync($"/api/v1/gateway/config?after={state.Revision}", Cancel);
        await Task.Delay(300, Cancel);
        Assert.False(poll.IsCompleted);

        // The change is made through the fixture's controller; the replica learns of it by reading
        // the counter, on its clock's next second.
        await ProfilesApiTests.CreateProfileAsync(admin, "ds-replica-profile");
        for (var i = 0; i < 10 && !poll.IsCompleted; i++)
        {
            replicaTime.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100, Cancel);
        }

        var body = await ControllerFixture.ReadAsync(await poll.WaitAsync(TimeSpan.FromSeconds(10), Cancel), HttpStatusCode.OK);
        Assert.True(body.GetProperty("revision").GetInt64() > state.Revision);
    }

    [Fact]
    public async Task Revision_UserEmailChange_DoesNotMove_DisableMoves()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "ds-rev");
        await ProfilesApiTests.CreateProfileAsync(admin, "ds-rev-profile");
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { name = "ds-rev-user", email = "r@example.com", profile = "ds-rev-profile" }, Cancel);
        await ControllerFixture.ReadAsync(created, HttpStatusCode.Created);
        var (_, gateway) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-rev", "ds-rev-1");
        using (gateway)
        {
            var before = await Gateways.ConfigAsync(gateway);
            var update = await UsersApiTests.PutAsync(admin, "/api/v1/users/ds-rev-user", new { email = "r2@example.com", profile = "ds-rev-profile", enabled = true, admin = false }, created.Headers.ETag!.Tag);
            await ControllerFixture.ReadAsync(update, HttpStatusCode.OK);
            Assert.Equal(before.Revision, (await Gateways.ConfigAsync(gateway)).Revision);

            await ControllerFixture.ReadAsync(await admin.PostAsync("/api/v1/users/ds-rev-user/disable", null, Cancel), HttpStatusCode.OK);
            var after = await Gateways.ConfigAsync(gateway, before.Revision);
            Assert.True(after.Revision > before.Revision);
            Assert.Contains(new UserDocument("ds-rev-user", "ds-rev-profile", false), after.Users);
        }
    }

    [Fact]
    public async Task Heartbeat_DifferentHashes_DriftAndStatusShown()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "ds-drift", clientPool: "192.168.40.0/22");
        var (_, gw1) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-drift", "ds-drift-1");
        var (_, gw2) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-drift", "ds-drift-2");
        using (gw1)
        using (gw2)
        {
            var state = await Gateways.ConfigAsync(gw1);
            await ControllerFixture.ReadAsync(await gw1.PostAsJsonAsync("/api/v1/gateway/heartbeat", new Heartbeat(state.Revision, state.Hash, null, 3, "0.1.0", EventsPending: 42, EventsDropped: 7), Cancel), HttpStatusCode.NoContent);
            var stale = new string('a', 64);
            await ControllerFixture.ReadAsync(await gw2.PostAsJsonAsync("/api/v1/gateway/heartbeat", new Heartbeat(state.Revision - 1, stale, "nft: syntax error", 0, "0.1.0"), Cancel), HttpStatusCode.NoContent);
            var bad = await gw2.PostAsJsonAsync("/api/v1/gateway/heartbeat", new Heartbeat(-1, "NOT HEX", null, 0, null), Cancel);
            var errors = (await ControllerFixture.ReadAsync(bad, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("appliedHash", out _));

            var list = await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/gateways?group=ds-drift", Cancel), HttpStatusCode.OK);
            var first = list.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "ds-drift-1");
            var second = list.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "ds-drift-2");
            Assert.Equal("online", first.GetProperty("status").GetString());
            Assert.False(first.GetProperty("drift").GetBoolean());
            Assert.Equal(state.Hash, first.GetProperty("desiredHash").GetString());
            Assert.Equal(state.Revision, first.GetProperty("appliedRevision").GetInt64());
            // The spool's backlog as the heartbeat says; dropped counts only what the event batches report.
            Assert.Equal(42, first.GetProperty("eventsPending").GetInt64());
            Assert.Equal(0, first.GetProperty("eventsDropped").GetInt64());
            Assert.True(second.GetProperty("drift").GetBoolean());
            Assert.Equal("nft: syntax error", second.GetProperty("applyError").GetString());

            fixture.Time.Advance(TimeSpan.FromMinutes(5));
            var later = await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/gateways/ds-drift-1", Cancel), HttpStatusCode.OK);
            Assert.Equal("offline", later.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Drift_GatewaysOfOneGroupApplyDifferentStates_OnlyThatGroupDrifts()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "ds-split", clientPool: "192.168.40.0/22");
        await Gateways.CreateGroupAsync(admin, "ds-even", clientPool: "192.168.40.0/22");
        var (_, split1) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-split", "ds-split-1");
        var (_, split2) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-split", "ds-split-2");
        var (_, even1) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-even", "ds-even-1");
        var (_, even2) = await Gateways.AddAndEnrolAsync(fixture, admin, "ds-even", "ds-even-2");
        using (split1)
        using (split2)
        using (even1)
        using (even2)
        {
            var state = await Gateways.ConfigAsync(split1);
            var evenState = await Gateways.ConfigAsync(even1);
            foreach (var (gateway, applied) in new[] { (split1, state), (even1, evenState), (even2, evenState) })
            {
                await ControllerFixture.ReadAsync(await gateway.PostAsJsonAsync("/api/v1/gateway/heartbeat", new Heartbeat(applied.Revision, applied.Hash, null, 0, "0.1.0"), Cancel), HttpStatusCode.NoContent);
            }

            await ControllerFixture.ReadAsync(await split2.PostAsJsonAsync("/api/v1/gateway/heartbeat", new Heartbeat(state.Revision - 1, new string('b', 64), null, 0, "0.1.0"), Cancel), HttpStatusCode.NoContent);

            await using var scope = fixture.CreateScope();
            var drift = await scope.ServiceProvider.GetRequiredService<GatewayService>().DriftAsync(Cancel);

            var split = Assert.Single(drift, d => d.Group == "ds-split");
            Assert.True(split.Drift);
            Assert.Equal(["ds-split-2"], split.Drifting);
            Assert.Equal([state.Revision - 1, state.Revision], split.AppliedRevisions);
            Assert.Equal(state.Hash, split.DesiredHash);
            var even = Assert.Single(drift, d => d.Group == "ds-even");
            Assert.False(even.Drift);
            Assert.Empty(even.Drifting);
            Assert.Equal([evenState.Revision], even.AppliedRevisions);
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteDesiredStateTests(SqliteControllerFixture fixture) : DesiredStateTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresDesiredStateTests(PostgresControllerFixture fixture) : DesiredStateTests(fixture);
