using System.Net;
using System.Text.Json;

namespace Skyhook.Controller.Tests;

public abstract class VpnProfileTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VpnProfile_TwoEnrolledGateways_BothRemotesAndTheCa()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "ovpn", clientPool: "192.168.40.0/22");
        await Gateways.CreateVpnUserAsync(fixture, admin, "ovpn-user", "ovpn user password", "ovpn-profile");
        await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/users/ovpn-user/vpn-profile?group=ovpn", Cancel), HttpStatusCode.Conflict);

        var (first, gw1) = await Gateways.AddAndEnrolAsync(fixture, admin, "ovpn", "ovpn-gw1");
        var (_, gw2) = await Gateways.AddAndEnrolAsync(fixture, admin, "ovpn", "ovpn-gw2");
        gw1.Dispose();
        gw2.Dispose();
        await Gateways.AddGatewayAsync(fixture, admin, "ovpn", "ovpn-pending", "pending.example.net");

        var response = await admin.GetAsync("/api/v1/users/ovpn-user/vpn-profile?group=ovpn", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ovpn-user-ovpn.ovpn", response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? FileNameFromHeader(response));
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("remote ovpn-gw1.example.net 1194\n", text, StringComparison.Ordinal);
        Assert.Contains("remote ovpn-gw2.example.net 1194\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pending.example.net", text, StringComparison.Ordinal);
        Assert.Contains(first.CaCertificatePem.Trim(), text, StringComparison.Ordinal);
        Assert.Contains("static-challenge", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);

        await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/users/nobody-here/vpn-profile?group=ovpn", Cancel), HttpStatusCode.NotFound);
        await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/users/ovpn-user/vpn-profile?group=no-such-group", Cancel), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task VpnProfile_GroupBehindALoadBalancer_OneRemoteForTheBalancer_BadBalancerRefused()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "ovpn-lb", clientPool: "192.168.36.0/22");
        await Gateways.CreateVpnUserAsync(fixture, admin, "ovpn-lb-user", "ovpn lb user password", "ovpn-lb-profile");
        var (_, gw1) = await Gateways.AddAndEnrolAsync(fixture, admin, "ovpn-lb", "ovpn-lb-gw1");
        var (_, gw2) = await Gateways.AddAndEnrolAsync(fixture, admin, "ovpn-lb", "ovpn-lb-gw2");
        gw1.Dispose();
        gw2.Dispose();

        var read = await admin.GetAsync("/api/v1/groups/ovpn-lb", Cancel);
        var group = (await ControllerFixture.ReadAsync(read, HttpStatusCode.OK)).Deserialize<Dictionary<string, JsonElement>>()!;
        Assert.Equal(JsonValueKind.Null, group["loadBalancer"].ValueKind);
        foreach (var field in new[] { "name", "createdAt", "updatedAt" })
        {
            group.Remove(field);
        }
        group["transport"] = JsonSerializer.SerializeToElement("tcp");
        foreach (var bad in new[] { "vpn lb.example.net", "vpn.example.net:70000", "[vpn.example.net]:443" })
        {
            group["loadBalancer"] = JsonSerializer.SerializeToElement(bad);
            var refused = await ControllerFixture.ReadAsync(await UsersApiTests.PutAsync(admin, "/api/v1/groups/ovpn-lb", group, read.Headers.ETag!.Tag), HttpStatusCode.BadRequest);
            Assert.Single(refused.GetProperty("errors").EnumerateObject(), e => e.Name == "loadBalancer");
        }

        group["loadBalancer"] = JsonSerializer.SerializeToElement("vpn.example.net");
        var updated = await ControllerFixture.ReadAsync(await UsersApiTests.PutAsync(admin, "/api/v1/groups/ovpn-lb", group, read.Headers.ETag!.Tag), HttpStatusCode.OK);
        Assert.Equal("vpn.example.net:1194", updated.GetProperty("loadBalancer").GetString());

        var text = await (await admin.GetAsync("/api/v1/users/ovpn-lb-user/vpn-profile?group=ovpn-lb", Cancel)).Content.ReadAsStringAsync(Cancel);
        var remotes = text.Split('\n').Where(l => l.StartsWith("remote ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["remote vpn.example.net 1194"], remotes);
        Assert.Contains("proto tcp-client\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("remote-random", text, StringComparison.Ordinal);
    }

    private static string? FileNameFromHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Content-Disposition", out var values) ? values.First() : null;
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteVpnProfileTests(SqliteControllerFixture fixture) : VpnProfileTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresVpnProfileTests(PostgresControllerFixture fixture) : VpnProfileTests(fixture);
