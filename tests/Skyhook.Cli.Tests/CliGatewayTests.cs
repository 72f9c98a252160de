using System.Net.Http.Json;
using System.Text.Json;
using Skyhook.Core.Contracts;

namespace Skyhook.Cli.Tests;

/// <summary>`skyhook groups`, `container-access`, `gateways` and `vpn profile` against a running controller.</summary>
[Collection("controller")]
public sealed class CliGatewayTests(ControllerProcess controller)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GroupGatewayAndProfile_FromCreateToOvpn_ListEveryEnrolledGateway()
    {
        var cli = await controller.AdminAsync();
        await Ok(cli.RunAsync("profiles", "create", "ops", "--rule", "allow container web1 tcp 80"));
        await Ok(cli.RunAsync("users", "create", "erin", "--email", "erin@example.com", "--profile", "ops"));

        var group = await Ok(cli.RunAsync("groups", "create", "edge", "--search-domain", "apps.internal", "--client-pool", "192.168.40.0/21"));
        var access = await Ok(cli.RunAsync("container-access", "enable", "edge", "multi-host-overlay", "--subnet", "10.0.0.0/16"));
        var gw1 = await Ok(cli.RunAsync("gateways", "add", "edge", "edge-gw1", "--public-endpoint", "198.51.100.11", "--json"));
        var gw2 = await Ok(cli.RunAsync("gateways", "add", "edge", "edge-gw2", "--public-endpoint", "vpn2.example.com"));
        using var enrolled = await TestGateway.EnrolAsync(controller.Url, JsonDocument.Parse(gw1).RootElement.GetProperty("joinToken").GetString()!, "edge-gw1", "198.51.100.11", Cancel);
        var ovpnPath = Path.Combine(Path.GetDirectoryName(cli.ConfigPath)!, "erin.ovpn");
        var profile = await Ok(cli.RunAsync("vpn", "profile", "erin", "--group", "edge", "-o", ovpnPath));
        var list = await Ok(cli.RunAsync("gateways", "list"));

        Assert.Contains("group edge: udp/1194, split tunnel, client pool 192.168.40.0/21 in /24 blocks", group);
        Assert.Contains("  overlay multi-host-overlay 10.0.0.0/16", access);
        Assert.Contains("skyhook-gateway join ", gw2);
        Assert.Contains("--fingerprint sha256:", gw2);
        var ovpn = File.ReadAllText(ovpnPath);
        Assert.Contains("remote 198.51.100.11 1194", ovpn);
        Assert.DoesNotContain("vpn2.example.com", ovpn); // not enrolled yet
        Assert.Contains("<ca>", ovpn);
        Assert.Contains("wrote " + ovpnPath, profile);
        Assert.Matches(@"edge-gw1\s+edge\s+198\.51\.100\.11\s+192\.168\.4\d\.0/24", list);
        Assert.Matches(@"edge-gw2\s+edge\s+vpn2\.example\.com\s+192\.168\.4\d\.0/24\s+pending", list);
    }

    [Fact]
    public async Task ContainerAccess_OverlappingSubnet_NamesBothRangesAndChangesNothing()
    {
        var cli = await controller.AdminAsync();
        await Ok(cli.RunAsync("groups", "create", "overlapping"));
        await Ok(cli.RunAsync("container-access", "enable", "overlapping", "multi-host-overlay", "--subnet", "10.0.0.0/16"));

        var clash = await cli.RunAsync("container-access", "enable", "overlapping", "other", "--subnet", "10.0.5.0/24");
        var pool = await cli.RunAsync("groups", "update", "overlapping", "--client-pool", "10.0.3.0/24");
        var after = await Ok(cli.RunAsync("container-access", "list", "overlapping"));

        Assert.Equal(1, clash.ExitCode);
        Assert.Contains("overlays[1].subnet: overlay multi-host-overlay 10.0.0.0/16 overlaps overlay other 10.0.5.0/24", clash.StandardError);
        Assert.Equal(1, pool.ExitCode);
        Assert.Contains("clientPool: overlay multi-host-overlay 10.0.0.0/16 overlaps VPN client pool 10.0.3.0/24", pool.StandardError);
        Assert.DoesNotContain("other", after);
    }

    [Fact]
    public async Task Groups_HideUnreachableNames_SetOnCreateKeptByOtherEditsChangedByFlag()
    {
        var cli = await controller.AdminAsync();

        var created = await Ok(cli.RunAsync("groups", "create", "names", "--hide-unreachable-names", "false"));
        var edited = await Ok(cli.RunAsync("groups", "update", "names", "--port", "443"));
        var flag = await Ok(cli.RunAsync("groups", "update", "names", "--hide-unreachable-names"));
        var defaulted = await Ok(cli.RunAsync("groups", "create", "names-default"));

        Assert.Contains("unreachable names shown", created);
        Assert.Contains("udp/443", edited);
        Assert.Contains("unreachable names shown", edited);
        Assert.Contains("unreachable names hidden", flag);
        Assert.Contains("unreachable names hidden", defaulted);
    }

    [Fact]
    public async Task ContainerAccess_DisableThenEnable_KeepsTheSubnet()
    {
        var cli = await controller.AdminAsync();
        await Ok(cli.RunAsync("groups", "create", "toggle"));
        await Ok(cli.RunAsync("container-access", "enable", "toggle", "multi-host-overlay", "--subnet", "10.0.0.0/16"));

        var disabled = await Ok(cli.RunAsync("container-access", "disable", "toggle", "multi-host-overlay"));
        var enabled = await Ok(cli.RunAsync("container-access", "enable", "toggle", "multi-host-overlay"));
        var missing = await cli.RunAsync("container-access", "disable", "toggle", "nosuch");

        Assert.Contains("overlay multi-host-overlay 10.0.0.0/16 (disabled)", disabled);
        Assert.Contains("overlay multi-host-overlay 10.0.0.0/16", enabled);
        Assert.DoesNotContain("(disabled)", enabled);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("group toggle has no overlay network nosuch", missing.StandardError);
    }

    [Fact]
    public async Task VpnProfile_GroupWithoutEnrolledGateway_SaysSo()
    {
        var cli = await controller.AdminAsync();
        await Ok(cli.RunAsync("groups", "create", "empty"));
        await Ok(cli.RunAsync("profiles", "create", "none"));
        await Ok(cli.RunAsync("users", "create", "frank", "--email", "frank@example.com", "--profile", "none"));

        var result = await cli.RunAsync("vpn", "profile", "frank", "--group", "empty");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has no enrolled gateway yet", result.StandardError);
    }

    private static async Task<string> Ok(Task<Skyhook.Linux.ProcessResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput;
    }

    [Fact]
    public async Task AccessCheck_ByContainerOrServiceName_WhatTheGatewaysDiscovered()
    {
        var cli = await controller.AdminAsync();
        await Ok(cli.RunAsync("profiles", "create", "payers", "--base", "deny-all", "--rule", "allow container web1 tcp 80", "--rule", "allow label team=payments tcp 8080"));
        await Ok(cli.RunAsync("users", "create", "pia", "--email", "pia@example.com", "--profile", "payers"));
        await Ok(cli.RunAsync("groups", "create", "seen"));
        var added = await Ok(cli.RunAsync("gateways", "add", "seen", "seen-gw1", "--public-endpoint", "198.51.100.21", "--json"));
        using var enrolled = await TestGateway.EnrolAsync(controller.Url, JsonDocument.Parse(added).RootElement.GetProperty("joinToken").GetString()!, "seen-gw1", "198.51.100.21", Cancel);
        var gateway = enrolled.Http;
        var payments = new Dictionary<string, string> { ["team"] = "payments" };
        ContainerReport[] seen =
        [
            new(["10.0.0.12"], "web1", null, payments, ["multi-host-overlay"]),
            new(["10.0.0.21"], "api.1.x", "api", payments, ["multi-host-overlay"]),
            new(["10.0.0.22"], "api.2.y", "api", payments, ["multi-host-overlay"]),
        ];
        using var beat = await gateway.PostAsJsonAsync("/api/v1/gateway/heartbeat", new Heartbeat(0, "", null, 0, "test", [], seen), Cancel);
        Assert.True(beat.IsSuccessStatusCode, await beat.Content.ReadAsStringAsync(Cancel));
        ContainerReport[] oversized = [new([.. Enumerable.Range(1, 17).Select(i => $"10.0.1.{i}")], "many", null, null, null)];
        using var refused = await gateway.PostAsJsonAsync("/api/v1/gateway/heartbeat", new Heartbeat(0, "", null, 0, "test", [], oversized), Cancel);

        var byName = await Ok(cli.RunAsync("access", "check", "pia", "web1", "tcp/80"));
        var byAddress = await Ok(cli.RunAsync("access", "check", "pia", "10.0.0.12", "tcp/8080"));
        var byService = await Ok(cli.RunAsync("access", "check", "pia", "api", "tcp/80"));
        var unknown = await cli.RunAsync("access", "check", "pia", "web9", "tcp/80");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("containers", await refused.Content.ReadAsStringAsync(Cancel));
        Assert.StartsWith("allow 10.0.0.12 (web1) (profile payers)", byName);
        Assert.Contains("rule 1 (allow container web1 tcp 80) matched", byName);
        // The address alone: the container's labels come from discovery.
        Assert.StartsWith("allow 10.0.0.12 (web1)", byAddress);
        Assert.Contains("rule 2 (allow label team=payments tcp 8080) matched", byAddress);
        // A service: one line per task.
        var lines = byService.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("deny 10.0.0.21 (api.1.x)", lines[0]);
        Assert.StartsWith("deny 10.0.0.22 (api.2.y)", lines[1]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no gateway has discovered one named 'web9'", unknown.StandardError);
    }
}
