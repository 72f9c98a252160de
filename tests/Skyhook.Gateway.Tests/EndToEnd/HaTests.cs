using System.Globalization;
using System.Text;
using System.Text.Json;
using Skyhook.Gateway.Tests.Overlay;
using Skyhook.Lab.Topology;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>
/// Issue 9 end to end: two gateways of one group behind a real haproxy, two controller replicas on
/// one PostgreSQL behind another, stock openvpn clients over TCP on ten desktops. See <see cref="HaBed"/>.
/// Each test uses users of its own, stops its clients and leaves both gateways and both replicas
/// running, also when it fails.
/// </summary>
[Collection(OverlayLabCollection.Name)]
public sealed class HaTests(OverlayLabFixture lab, HaBed bed, ITestOutputHelper output) : IClassFixture<HaBed>, IAsyncLifetime
{
    /// <summary>
    /// The failover target the tests hold clients to: twice the issue's 5 s aim, because the CI machine
    /// is shared and noisy (two cores for two dockerd swarms, two gateways, two controllers, PostgreSQL,
    /// haproxy and ten openvpn clients). bench/failover.sh measures the real figure.
    /// </summary>
    private static readonly TimeSpan FailoverTarget = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Skyhook.Lab.Desktop Desktop(int i) => bed.DesktopList[i];

    public async ValueTask InitializeAsync() => await bed.EnsureStartedAsync(lab, output, Ct);

    public async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            output.WriteLine(bed.Diagnostics());
        }
        await bed.StopClientsAsync();
    }

    [Fact]
    public async Task GatewayKilled_TenClientsOnBoth_EveryClientBackWithinTheTarget_NoNewCode_SamePolicy_SessionsOnTheSurvivor()
    {
        var users = Enumerable.Range(1, HaBed.Desktops).Select(i => $"fo{i}").ToList();
        foreach (var user in users)
        {
            await bed.CreateUserAsync(user, Ct);
        }
        await bed.WaitGatewaysConvergedAsync(Ct);
        // The group is behind the balancer: the profile names it, and it alone.
        var profile = await bed.ProfileAsync(users[0], Ct);
        Assert.Equal([$"remote {LabLayout.InternetGateway} {HaBed.VpnPort}"], profile.Split('\n').Where(l => l.StartsWith("remote ", StringComparison.Ordinal)));

        var clients = new List<HaClient>();
        for (var i = 0; i < users.Count; i++)
        {
            clients.Add(await bed.ConnectAsync(Desktop(i), users[i], Ct));
        }
        await Task.WhenAll(users.Select(u => bed.WaitTunnelAsync(u, Ct)));
        try
        {
            var run = await bed.FailoverAsync(clients, "gw4", lab.Web1, TimeSpan.FromSeconds(30), Ct);
            foreach (var result in run.Results)
            {
                output.WriteLine($"{result.User} on {result.GatewayBefore}: first request {Seconds(result.Recovery)} after the kill");
            }

            // Spread over both gateways before the kill (the controller's live sessions said where).
            Assert.Equal(["gw4", "gw5"], run.Results.Select(r => r.GatewayBefore).Distinct().Order(StringComparer.Ordinal));
            var slow = run.Results.Where(r => r.Recovery is not { } t || t > FailoverTarget).ToList();
            Assert.True(slow.Count == 0, "not carrying traffic within " + FailoverTarget.TotalSeconds + " s: " + string.Join(", ", slow.Select(r => $"{r.User} ({Seconds(r.Recovery)})")));

            foreach (var moved in run.Moved)
            {
                // No new code: the credentials file still holds the first login's code, which the
                // controller refuses a second time; the client came back on its session token.
                Assert.Equal(2, bed.TunnelsUp(moved.User));
                Assert.DoesNotContain("AUTH_FAILED", bed.ClientLog(moved.User), StringComparison.Ordinal);
                Assert.Contains($"VPN session of {moved.User} resumed through gateway gw5", bed.ControllerLogs(), StringComparison.Ordinal);
                // The same policy on the survivor: the allowed port works, the denied one stays dropped.
                var desktop = clients.Single(c => c.User == moved.User).Desktop;
                Assert.True(await HaBed.RequestAsync(desktop, lab.Web2, HaBed.AllowedPort, TimeSpan.FromSeconds(2), Ct), $"{moved.User} reaches web2:{HaBed.AllowedPort}");
                Assert.False(await HaBed.RequestAsync(desktop, lab.Web2, HaBed.DeniedPort, TimeSpan.FromSeconds(2), Ct), $"{moved.User} reached the denied web2:{HaBed.DeniedPort} after the failover");
                // The new session is recorded with the survivor's name.
                await Eventually.True(async () => (await SessionEventsAsync(moved.User, "gw5")).Any(e => e.GetProperty("action").GetString() == "connect"
                        && e.GetProperty("at").GetDateTimeOffset() >= run.KilledAt),
                    $"a session connect event of {moved.User} from gw5 after the kill", Wait, Ct);
            }
            Assert.NotEmpty(run.Moved);
        }
        finally
        {
            await bed.StopClientsAsync();
            await bed.RestartGatewayAsync("gw4", Ct);
        }
    }

    [Fact]
    public async Task GatewayBack_ConvergesToTheGroupsRevision_TakesNewClients()
    {
        var others = await GatewayViewAsync("gw4");
        await bed.KillGatewayAsync("gw5");
        await bed.VpnBalancer.WaitServerAsync("gw5", "DOWN", Wait, Ct);

        await bed.RestartGatewayAsync("gw5", Ct);
        var back = await GatewayViewAsync("gw5");
        Assert.Equal(back.GetProperty("desiredHash").GetString(), back.GetProperty("appliedHash").GetString());
        Assert.Equal(others.GetProperty("appliedRevision").GetInt64(), back.GetProperty("appliedRevision").GetInt64());
        Assert.False(back.GetProperty("drift").GetBoolean());

        // The balancer sends new clients to it again (leastconn: it holds the fewest tunnels).
        var landed = await ConnectUntilOnAsync("gw5", ["rb1", "rb2", "rb3"], 0);
        Assert.True(await HaBed.RequestAsync(landed.Desktop, lab.Web1, HaBed.AllowedPort, TimeSpan.FromSeconds(2), Ct), "the new client reaches web1 through gw5");
        Assert.False(await HaBed.RequestAsync(landed.Desktop, lab.Web1, HaBed.DeniedPort, TimeSpan.FromSeconds(2), Ct), "the new client reached a denied port through gw5");
    }

    [Fact]
    public async Task ProfileChangedDuringFailover_BothGatewaysEndOnTheSameRevision_NewRuleEnforcedThroughEither()
    {
        const string profile = "ha-change";
        await bed.Admin.PostAsync("/api/v1/profiles", new { name = profile, basePolicy = "deny-all", rules = new[] { Rule(HaBed.AllowedPort) } }, Ct);
        var users = new[] { "pc1", "pc2", "pc3", "pc4" };
        var clients = new List<HaClient>();
        foreach (var user in users)
        {
            await bed.CreateUserAsync(user, Ct, profile);
        }
        await bed.WaitGatewaysConvergedAsync(Ct);
        foreach (var (user, i) in users.Select((u, i) => (u, i)))
        {
            clients.Add(await bed.ConnectAsync(Desktop(i), user, Ct));
        }
        await Task.WhenAll(users.Select(u => bed.WaitTunnelAsync(u, Ct)));
        foreach (var client in clients)
        {
            Assert.False(await HaBed.RequestAsync(client.Desktop, lab.Web1, HaBed.DeniedPort, TimeSpan.FromSeconds(2), Ct), $"{client.User} reached {HaBed.DeniedPort} before the change");
        }
        try
        {
            await bed.KillGatewayAsync("gw4");
            // While gw4 is dead and its clients move: the profile now allows the other port too.
            await UpdateProfileAsync(profile, Rule(HaBed.AllowedPort), Rule(HaBed.DeniedPort));
            foreach (var client in clients)
            {
                await Eventually.True(() => HaBed.RequestAsync(client.Desktop, lab.Web1, HaBed.DeniedPort, TimeSpan.FromSeconds(1), Ct),
                    $"{client.User} reaches web1:{HaBed.DeniedPort} under the changed profile", Wait, Ct);
            }

            await bed.RestartGatewayAsync("gw4", Ct);
            var gw4 = await GatewayViewAsync("gw4");
            var gw5 = await GatewayViewAsync("gw5");
            Assert.Equal(gw4.GetProperty("desiredHash").GetString(), gw4.GetProperty("appliedHash").GetString());
            Assert.Equal(gw4.GetProperty("appliedHash").GetString(), gw5.GetProperty("appliedHash").GetString());
            Assert.Equal(gw4.GetProperty("appliedRevision").GetInt64(), gw5.GetProperty("appliedRevision").GetInt64());

            // A new client of the profile on the restarted gateway gets the new rule there too.
            await bed.CreateUserAsync("pc5", Ct, profile);
            await bed.CreateUserAsync("pc6", Ct, profile);
            await bed.WaitGatewaysConvergedAsync(Ct);
            var landed = await ConnectUntilOnAsync("gw4", ["pc5", "pc6"], users.Length, create: false);
            Assert.True(await HaBed.RequestAsync(landed.Desktop, lab.Web2, HaBed.DeniedPort, TimeSpan.FromSeconds(2), Ct), $"web2:{HaBed.DeniedPort} through the restarted gw4");
        }
        finally
        {
            await bed.StopClientsAsync();
            await bed.RestartGatewayAsync("gw4", Ct);
        }
    }

    [Fact]
    public async Task ControllerReplicaKilledDuringLogins_EveryLoginSucceeds()
    {
        var users = Enumerable.Range(1, 6).Select(i => $"cl{i}").ToList();
        var profiles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            await bed.CreateUserAsync(user, Ct);
            profiles[user] = await bed.ProfileAsync(user, Ct);
        }
        await bed.WaitGatewaysConvergedAsync(Ct);
        try
        {
            // Logins every 300 ms; replica 1 is killed -9 after the second has started. A login whose
            // code replica 1 had already marked used when it died is asked again (haproxy's retry-on,
            // the gateway's own retry) with the same attempt id, which the other replica accepts
            // (before that fix: "one-time code already used", in 2 of 5 runs).
            for (var i = 0; i < users.Count; i++)
            {
                await bed.ConnectAsync(Desktop(i), users[i], Ct, profiles[users[i]]);
                if (i == 1)
                {
                    await bed.Controllers[0].StopAsync();
                }
                await Task.Delay(300, Ct);
            }
            await Task.WhenAll(users.Select(u => bed.WaitTunnelAsync(u, Ct)));
            foreach (var (user, i) in users.Select((u, i) => (u, i)))
            {
                Assert.DoesNotContain("AUTH_FAILED", bed.ClientLog(user), StringComparison.Ordinal);
                await Eventually.True(() => HaBed.RequestAsync(Desktop(i), lab.Web1, HaBed.AllowedPort, TimeSpan.FromSeconds(1), Ct), $"{user} reaches web1", Wait, Ct);
            }
            // The balancer saw replica 1 die; replica 2 decided the logins after it.
            await bed.ControllerBalancer.WaitServerAsync("c1", "DOWN", Wait, Ct);
            Assert.Contains($"VPN login of {users[^1]} through gateway", bed.Controllers[1].Log, StringComparison.Ordinal);
        }
        finally
        {
            await bed.StopClientsAsync();
            await bed.Controllers[0].StartAgainAsync(Ct);
            await bed.ControllerBalancer.WaitServerAsync("c1", "UP", Wait, Ct);
        }
    }

    /// <summary>
    /// The failover benchmark (bench/failover.sh): several runs of ten clients spread over both
    /// gateways, one gateway killed -9 each run (alternately), the time from the kill to each client's
    /// first request that worked; a markdown table to SKYHOOK_FAILOVER_REPORT. Explicit: not part of
    /// the test run.
    /// </summary>
    [Fact(Explicit = true)]
    public async Task FailoverBenchmark()
    {
        var runs = int.Parse(Environment.GetEnvironmentVariable("SKYHOOK_FAILOVER_RUNS") ?? "3", CultureInfo.InvariantCulture);
        var results = new List<FailoverRun>();
        for (var r = 1; r <= runs; r++)
        {
            var victim = r % 2 == 1 ? "gw4" : "gw5";
            var users = Enumerable.Range(1, HaBed.Desktops).Select(i => $"bench{r}c{i}").ToList();
            var clients = new List<HaClient>();
            foreach (var user in users)
            {
                await bed.CreateUserAsync(user, Ct);
            }
            await bed.WaitGatewaysConvergedAsync(Ct);
            foreach (var (user, i) in users.Select((u, i) => (u, i)))
            {
                clients.Add(await bed.ConnectAsync(Desktop(i), user, Ct));
            }
            await Task.WhenAll(users.Select(u => bed.WaitTunnelAsync(u, Ct)));
            try
            {
                var run = await bed.FailoverAsync(clients, victim, lab.Web1, TimeSpan.FromSeconds(60), Ct);
                results.Add(run);
                output.WriteLine(Row(r.ToString(CultureInfo.InvariantCulture), run.Victim, run.Results));
            }
            finally
            {
                await bed.StopClientsAsync();
                await bed.RestartGatewayAsync(victim, Ct);
            }
        }
        var report = new StringBuilder();
        report.Append("| run | killed | clients on it | p50, all 10 | max, all 10 | p50, moved | max, moved | no request within 60 s |\n");
        report.Append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var (run, i) in results.Select((run, i) => (run, i)))
        {
            report.Append(Row((i + 1).ToString(CultureInfo.InvariantCulture), run.Victim, run.Results)).Append('\n');
        }
        report.Append(Row("all", "both", [.. results.SelectMany(r => r.Results.Select(x => x with { GatewayBefore = x.GatewayBefore == r.Victim ? "moved" : "stayed" }))], moved: "moved")).Append('\n');
        var path = Environment.GetEnvironmentVariable("SKYHOOK_FAILOVER_REPORT");
        if (!string.IsNullOrEmpty(path))
        {
            await File.WriteAllTextAsync(path, report.ToString(), Ct);
        }
        output.WriteLine(report.ToString());
    }

    private static string Row(string run, string victim, IReadOnlyList<FailoverResult> results, string? moved = null)
    {
        var movedResults = results.Where(r => r.GatewayBefore == (moved ?? victim)).ToList();
        return $"| {run} | {victim} | {movedResults.Count} | {Seconds(Median(results))} | {Seconds(Max(results))} | {Seconds(Median(movedResults))} | {Seconds(Max(movedResults))} | {results.Count(r => r.Recovery is null)} |";
    }

    private static TimeSpan? Median(IReadOnlyList<FailoverResult> results)
    {
        var sorted = results.Where(r => r.Recovery is not null).Select(r => r.Recovery!.Value).Order().ToList();
        // Nearest rank: the value at or below which half the clients came back.
        return sorted.Count == 0 ? null : sorted[(sorted.Count + 1) / 2 - 1];
    }

    private static TimeSpan? Max(IReadOnlyList<FailoverResult> results) =>
        results.Count == 0 ? null : results.Any(r => r.Recovery is null) ? null : results.Max(r => r.Recovery!.Value);

    private static string Seconds(TimeSpan? value) => value is { } t ? t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "none";

    private static object Rule(int port) => new { action = "allow", target = "cidr 10.0.0.0/16", protocol = "tcp", ports = new[] { port.ToString(CultureInfo.InvariantCulture) } };

    private async Task UpdateProfileAsync(string name, params object[] rules)
    {
        using var current = await bed.Admin.Http.GetAsync($"/api/v1/profiles/{name}", Ct);
        current.EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/profiles/{name}") { Content = System.Net.Http.Json.JsonContent.Create(new { basePolicy = "deny-all", rules }) };
        request.Headers.IfMatch.Add(current.Headers.ETag!);
        using var response = await bed.Admin.Http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"PUT profile {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private Task<JsonElement> GatewayViewAsync(string name) => bed.Admin.GetAsync($"/api/v1/gateways/{name}", Ct);

    private async Task<IReadOnlyList<JsonElement>> SessionEventsAsync(string user, string gateway) =>
        [.. (await bed.Admin.GetAsync($"/api/v1/events?kind=session&user={user}&gateway={gateway}", Ct)).EnumerateArray()];

    /// <summary>
    /// New users log in one after another (desktops from <paramref name="firstDesktop"/>) until one of
    /// them lands on <paramref name="gateway"/>; that client, its tunnel up.
    /// </summary>
    private async Task<HaClient> ConnectUntilOnAsync(string gateway, IReadOnlyList<string> users, int firstDesktop, bool create = true)
    {
        var landed = new List<string>();
        foreach (var (user, i) in users.Select((u, i) => (u, i)))
        {
            if (create)
            {
                await bed.CreateUserAsync(user, Ct);
                await bed.WaitGatewaysConvergedAsync(Ct);
            }
            var client = await bed.ConnectAsync(Desktop(firstDesktop + i), user, Ct);
            await bed.WaitTunnelAsync(user, Ct);
            var on = await bed.GatewayOfUserAsync(user, Ct);
            if (on == gateway)
            {
                return client;
            }
            landed.Add($"{user} on {on}");
        }
        Assert.Fail($"no new client landed on {gateway}: {string.Join(", ", landed)}");
        throw new InvalidOperationException();
    }
}
