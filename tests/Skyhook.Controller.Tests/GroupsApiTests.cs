using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Skyhook.Controller.Tests;

public abstract class GroupsApiTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_OverlappingRanges_ValidationProblemNamingFieldAndBothRanges()
    {
        using var client = fixture.CreateAdminClient();
        var response = await client.PostAsJsonAsync("/api/v1/groups", new
        {
            name = "groups-overlap",
            additionalCidrs = new[] { "10.0.3.0/24" },
            clientPool = "10.0.128.0/20",
            overlays = new[] { new { name = "multi-host-overlay", subnet = "10.0.0.0/16" } },
        }, Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        var additional = Assert.Single(errors.GetProperty("additionalCidrs[0]").EnumerateArray()).GetString()!;
        Assert.Contains("10.0.3.0/24", additional, StringComparison.Ordinal);
        Assert.Contains("10.0.0.0/16", additional, StringComparison.Ordinal);
        var pool = Assert.Single(errors.GetProperty("clientPool").EnumerateArray()).GetString()!;
        Assert.Contains("10.0.128.0/20", pool, StringComparison.Ordinal);
        Assert.Contains("10.0.0.0/16", pool, StringComparison.Ordinal);
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/groups/groups-overlap", Cancel), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_MalformedFields_EachFieldNamed()
    {
        using var client = fixture.CreateAdminClient();
        var response = await client.PostAsJsonAsync("/api/v1/groups", new
        {
            name = "groups-bad",
            transport = "sctp",
            port = 70000,
            nameservers = new[] { "not-an-ip" },
            overlays = new[] { new { name = "o1", subnet = "10.0.0.0/33", join = new { managerAddress = "m:2377", joinToken = (string?)null } } },
        }, Cancel);
        var errors = (await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("transport", out _));
        Assert.True(errors.TryGetProperty("nameservers[0]", out _));
        Assert.True(errors.TryGetProperty("overlays[0].subnet", out _));
        Assert.True(errors.TryGetProperty("overlays[0].join.joinToken", out _));

        var port = await client.PostAsJsonAsync("/api/v1/groups", new { name = "groups-bad-port", port = 70000 }, Cancel);
        Assert.True((await ControllerFixture.ReadAsync(port, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("port", out _));
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("1")]
    public async Task Create_HideUnreachableNamesNotABool_BadRequestNamingField(string value)
    {
        using var client = fixture.CreateAdminClient();
        var json = "{\"name\":\"groups-hide-bad\",\"hideUnreachableNames\":" + value + "}";
        var response = await client.PostAsync("/api/v1/groups", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("hideUnreachableNames", out _), problem.GetRawText());
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/groups/groups-hide-bad", Cancel), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task HideUnreachableNames_DefaultTrue_EditedAndRead_CarriedInDesiredStateWhoseHashChanges()
    {
        using var client = fixture.CreateAdminClient();
        var created = await Gateways.CreateGroupAsync(client, "groups-hide");
        Assert.True(created.GetProperty("hideUnreachableNames").GetBoolean());
        var (_, gateway) = await Gateways.AddAndEnrolAsync(fixture, client, "groups-hide", "groups-hide-gw");
        using (gateway)
        {
            var before = await Gateways.ConfigAsync(gateway);
            Assert.True(before.Group.HideUnreachableNames);

            var hidden = await Gateways.PutGroupAsync(client, "groups-hide", hideUnreachableNames: false);
            Assert.False(hidden.GetProperty("hideUnreachableNames").GetBoolean());
            var read = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/groups/groups-hide", Cancel), HttpStatusCode.OK);
            Assert.False(read.GetProperty("hideUnreachableNames").GetBoolean());
            var shown = await Gateways.ConfigAsync(gateway);
            Assert.False(shown.Group.HideUnreachableNames);
            Assert.True(shown.Revision > before.Revision);
            Assert.NotEqual(before.Hash, shown.Hash);

            // A replace that leaves it out takes the default, as every other field left out does.
            Assert.True((await Gateways.PutGroupAsync(client, "groups-hide", hideUnreachableNames: null)).GetProperty("hideUnreachableNames").GetBoolean());
            var again = await Gateways.ConfigAsync(gateway);
            Assert.True(again.Group.HideUnreachableNames);
            Assert.Equal(before.Hash, again.Hash);
        }

        var off = await client.PostAsJsonAsync("/api/v1/groups", new { name = "groups-hide-off", hideUnreachableNames = false }, Cancel);
        Assert.False((await ControllerFixture.ReadAsync(off, HttpStatusCode.Created)).GetProperty("hideUnreachableNames").GetBoolean());
    }

    [Fact]
    public async Task Create_DuplicateNameInAnyCase_Conflict()
    {
        using var client = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(client, "groups-dup");
        var again = await client.PostAsJsonAsync("/api/v1/groups", new { name = "GROUPS-DUP" }, Cancel);
        await ControllerFixture.ReadAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task SwarmJoinToken_NeverReturnedNorAudited_KeptOnUpdateWithMask()
    {
        fixture.Secrets.Add(Gateways.SwarmToken);
        using var client = fixture.CreateAdminClient();
        var created = await Gateways.CreateGroupAsync(client, "groups-secret");
        Assert.Equal("***", created.GetProperty("overlays")[0].GetProperty("join").GetProperty("joinToken").GetString());
        var read = await client.GetAsync("/api/v1/groups/groups-secret", Cancel);
        var group = await ControllerFixture.ReadAsync(read, HttpStatusCode.OK);
        Assert.DoesNotContain(Gateways.SwarmToken, group.GetRawText(), StringComparison.Ordinal);

        // Edit as a client would: read, change, write back with the mask still in place.
        var update = new
        {
            transport = "tcp",
            port = 443,
            tunnelMode = "full",
            clientPool = "192.168.43.0/24",
            clientBlockPrefixLength = 24,
            sessionLifetimeSeconds = 3600,
            overlays = new[] { new { name = "multi-host-overlay", subnet = "10.0.0.0/16", enabled = true, join = new { managerAddress = "172.31.0.11:2377", joinToken = "***" } } },
        };
        await ControllerFixture.ReadAsync(await UsersApiTests.PutAsync(client, "/api/v1/groups/groups-secret", update, null), (HttpStatusCode)428);
        var updated = await UsersApiTests.PutAsync(client, "/api/v1/groups/groups-secret", update, read.Headers.ETag!.Tag);
        var after = await ControllerFixture.ReadAsync(updated, HttpStatusCode.OK);
        Assert.Equal("tcp", after.GetProperty("transport").GetString());
        await ControllerFixture.ReadAsync(await UsersApiTests.PutAsync(client, "/api/v1/groups/groups-secret", update, read.Headers.ETag!.Tag), HttpStatusCode.PreconditionFailed);

        // The stored token survived the edit: the gateway receives it.
        var (_, gateway) = await Gateways.AddAndEnrolAsync(fixture, client, "groups-secret", "groups-secret-gw");
        using (gateway)
        {
            var state = await Gateways.ConfigAsync(gateway);
            Assert.Equal(Gateways.SwarmToken, Assert.Single(state.Group.Overlays).JoinToken);
            Assert.Equal("full", state.Group.TunnelMode);
        }

        var audit = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/audit?limit=50", Cancel), HttpStatusCode.OK);
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "group.update");
        Assert.DoesNotContain(Gateways.SwarmToken, audit.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_PoolNoLongerHoldsAGatewaysBlock_ValidationProblemNamingGateway()
    {
        using var client = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(client, "groups-shrink");
        await Gateways.AddGatewayAsync(fixture, client, "groups-shrink", "groups-shrink-gw", "203.0.113.19");
        var read = await client.GetAsync("/api/v1/groups/groups-shrink", Cancel);
        var update = new { clientPool = "192.168.44.0/24", overlays = new[] { new { name = "multi-host-overlay", subnet = "10.0.0.0/16" } } };
        var response = await UsersApiTests.PutAsync(client, "/api/v1/groups/groups-shrink", update, read.Headers.ETag!.Tag);
        var message = Assert.Single((await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("clientPool").EnumerateArray()).GetString()!;
        Assert.Contains("groups-shrink-gw", message, StringComparison.Ordinal);
        Assert.Contains("192.168.43.0/24", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_WithGateways_ConflictThenNoContent()
    {
        using var client = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(client, "groups-delete");
        await Gateways.AddGatewayAsync(fixture, client, "groups-delete", "groups-delete-gw", "203.0.113.9");
        await ControllerFixture.ReadAsync(await client.DeleteAsync("/api/v1/groups/groups-delete", Cancel), HttpStatusCode.Conflict);
        await ControllerFixture.ReadAsync(await client.DeleteAsync("/api/v1/gateways/groups-delete-gw", Cancel), HttpStatusCode.NoContent);
        await ControllerFixture.ReadAsync(await client.DeleteAsync("/api/v1/groups/groups-delete", Cancel), HttpStatusCode.NoContent);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteGroupsApiTests(SqliteControllerFixture fixture) : GroupsApiTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresGroupsApiTests(PostgresControllerFixture fixture) : GroupsApiTests(fixture);
