using System.Globalization;
using System.Text.Json;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>
/// Issue 8 end to end: what a user does through the gateway becomes events the admin reads from the
/// controller's API (sessions, flows from conntrack, denied flows, name lookups, web requests with
/// Host and path or the TLS server name), shipped from the gateway's disk spool so that a controller
/// outage and a gateway crash lose nothing and double nothing.
/// </summary>
public sealed partial class LabVpnTests
{
    [Fact]
    public async Task Telemetry_CurlToWeb1_YieldsSessionFlowDnsAndWebEvents_DeniedAttemptNamesItsRule_HttpsGivesSni()
    {
        await CreateProfileAsync("tel-tia", "deny-all",
            Rule("allow", "container web1", "tcp", "80", "8080"),
            Rule("deny", "container web2", "tcp", "80"),
            Rule("allow", "container web2", "icmp"));
        await bed.UpdateGroupAsync(DnsGroupBody(), Ct);
        try
        {
            await ConnectNewUserAsync(1, "tia", "tel-tia");
            var path = "/?telemetry=" + Overlay.OverlayLabFixture.Stem;
            Assert.Equal("hello from web1", await Eventually.Get(
                () => bed.CurlAsync(1, $"http://web1.{SearchDomain}{path}", Ct), "curl web1 by name", Wait, Ct));
            // TLS to a server that speaks none: the client's hello, with its server name, went out all the same.
            await bed.OnDesktopAsync(1, ["curl", "--silent", "--insecure", "--max-time", "3", $"https://web1.{SearchDomain}:8080/"], Ct);
            // Dropped by the deny rule: curl times out.
            Assert.Null(await bed.CurlAsync(1, $"http://{lab.Web2}/", Ct));
            await bed.StopClientsAsync();

            var events = await Eventually.Get(async () =>
            {
                var all = await EventsAsync("user=tia&limit=1000");
                return all.Any(e => Is(e, "kind", "session") && Is(e, "action", "disconnect"))
                    && all.Any(e => Is(e, "kind", "flow") && Is(e, "verdict", "denied"))
                    && all.Count(e => Is(e, "kind", "web")) >= 2
                    && all.Any(e => Is(e, "kind", "flow") && Is(e, "destination", lab.Web1) && Number(e, "port") == 80)
                    ? all : null;
            }, "tia's session, flows, lookups and web requests in /api/v1/events", Wait, Ct);
            output.WriteLine(string.Join('\n', events.Select(e => e.GetRawText())));

            var connect = Assert.Single(events, e => Is(e, "kind", "session") && Is(e, "action", "connect"));
            Assert.Equal(bed.Desktops[0].Address, Text(connect, "publicAddress"));
            Assert.False(string.IsNullOrEmpty(Text(connect, "vpnAddress")));
            Assert.False(string.IsNullOrEmpty(Text(connect, "clientVersion")));
            Assert.Equal(bed.Host.Name, Text(connect, "gateway"));
            var disconnect = Assert.Single(events, e => Is(e, "kind", "session") && Is(e, "action", "disconnect"));
            Assert.True(Number(disconnect, "bytesFromClient") > 0 && Number(disconnect, "bytesToClient") > 0, "the session's bytes each way");

            Assert.Contains(events, e => Is(e, "kind", "dns") && Is(e, "name", $"web1.{SearchDomain}") && Is(e, "queryType", "A")
                && (Text(e, "answer") ?? "").Contains(lab.Web1, StringComparison.Ordinal));

            var flow = Assert.Single(events, e => Is(e, "kind", "flow") && Is(e, "destination", lab.Web1) && Number(e, "port") == 80);
            Assert.Equal("web1", Text(flow, "container"));
            Assert.Equal("tcp", Text(flow, "protocol"));
            Assert.Equal("allowed", Text(flow, "verdict"));
            Assert.Contains("container web1", Text(flow, "rule"), StringComparison.Ordinal);
            Assert.True(Number(flow, "bytesFromClient") > 0 && Number(flow, "bytesToClient") > 0, "the flow's bytes each way");
            Assert.True(Number(flow, "packetsFromClient") > 0 && Number(flow, "packetsToClient") > 0, "the flow's packets each way");
            Assert.NotNull(Text(flow, "ended"));

            var denied = Assert.Single(events, e => Is(e, "kind", "flow") && Is(e, "verdict", "denied"));
            Assert.Equal(lab.Web2, Text(denied, "destination"));
            Assert.Equal(80, Number(denied, "port"));
            Assert.Equal("web2", Text(denied, "container"));
            Assert.Contains("deny container web2", Text(denied, "rule"), StringComparison.Ordinal);

            var web = Assert.Single(events, e => Is(e, "kind", "web") && Is(e, "scheme", "http"));
            Assert.Equal("GET", Text(web, "method"));
            Assert.Equal($"web1.{SearchDomain}", Text(web, "name"));
            Assert.Equal(path, Text(web, "path"));
            Assert.Equal("web1", Text(web, "container"));
            var tls = Assert.Single(events, e => Is(e, "kind", "web") && Is(e, "scheme", "https"));
            Assert.Equal($"web1.{SearchDomain}", Text(tls, "name"));
            Assert.Equal(8080, Number(tls, "port"));

            // The admin's question, as the API answers it: what tia tried that was refused.
            var refused = await EventsAsync("user=tia&verdict=denied&kind=flow");
            Assert.Equal(Number(denied, "id"), Number(Assert.Single(refused), "id"));
        }
        finally
        {
            await bed.StopClientsAsync();
            await bed.UpdateGroupAsync(LabVpnBed.GroupBody(), Ct);
        }
    }

    [Fact]
    public async Task Telemetry_ControllerAwayAndGatewayKilled_EveryEventArrivesExactlyOnce()
    {
        const int Requests = 20;
        await ConnectNewUserAsync(2, "otto", "dev");
        var address = await Eventually.Get(
            async () => (await EventsAsync("user=otto&kind=session")).Where(e => Is(e, "action", "connect")).Select(e => Text(e, "vpnAddress")).FirstOrDefault(),
            "otto's login in the events", Wait, Ct);
        var run = Overlay.OverlayLabFixture.Stem + "-" + Environment.TickCount64.ToString(CultureInfo.InvariantCulture);
        var paths = Enumerable.Range(1, Requests).Select(i => $"/?once={run}-{i}").ToList();

        await bed.Controller.StopAsync();
        var restarted = false;
        try
        {
            foreach (var path in paths)
            {
                Assert.Equal("hello from web1", await bed.CurlAsync(2, $"http://{lab.Web1}{path}", Ct));
            }

            // Every request's flow and web event is in the gateway's spool before the crash (a flow is
            // written when its connection ends): nothing is left in memory for kill -9 to lose.
            var spooled = new List<JsonElement>();
            try
            {
                await Eventually.True(() =>
                {
                    spooled = SpooledEvents();
                    return paths.All(p => spooled.Count(e => Is(e, "kind", "web") && Is(e, "path", p)) == 1)
                        && spooled.Count(e => Is(e, "kind", "flow") && Is(e, "vpnAddress", address) && Is(e, "destination", lab.Web1)) >= Requests;
                }, "every request's flow and web event spooled while the controller is away", Wait, Ct);
            }
            finally
            {
                output.WriteLine($"spooled while away ({spooled.Count}, otto at {address}):\n" + string.Join('\n', spooled.TakeLast(60).Select(e => e.GetRawText())));
            }

            await bed.Gateway.KillHard();
            await bed.Controller.StartAgainAsync(Ct);
            restarted = true;
            bed.Gateway.Start();
            await bed.WaitConvergedAsync(Ct);
        }
        finally
        {
            if (!restarted)
            {
                await bed.Controller.StartAgainAsync(Ct);
                if (!bed.Gateway.Running)
                {
                    bed.Gateway.Start();
                }
            }
        }

        // Everything spooled arrives; then the spool is drained (a heartbeat after the restart says so:
        // the one stored before the outage said 0 too), and each event is there once.
        await Eventually.True(async () =>
        {
            var arrived = await EventsAsync("user=otto&limit=1000");
            return paths.All(p => arrived.Any(e => Is(e, "kind", "web") && Is(e, "path", p)))
                && arrived.Count(e => Is(e, "kind", "flow") && Is(e, "destination", lab.Web1)) >= Requests;
        }, "every spooled event at the controller", Wait, Ct);
        var restartedAt = DateTimeOffset.UtcNow;
        await Eventually.True(async () => (await bed.Admin.GetAsync($"/api/v1/gateways/{bed.Host.Name}", Ct)) is var view
                && view.GetProperty("lastHeartbeat").GetDateTimeOffset() > restartedAt && view.GetProperty("eventsPending").GetInt64() == 0,
            "the gateway's spool drained", Wait, Ct);
        var events = await EventsAsync("user=otto&limit=1000");
        foreach (var path in paths)
        {
            Assert.Single(events, e => Is(e, "kind", "web") && Is(e, "path", path));
        }
        var flows = events.Where(e => Is(e, "kind", "flow") && Is(e, "vpnAddress", address) && Is(e, "destination", lab.Web1)).ToList();
        Assert.Equal(Requests, flows.Count);
        Assert.All(flows, f => Assert.True(Number(f, "bytesToClient") > 0, "a flow with its bytes"));
        var sequences = events.Select(e => Number(e, "sequence")).ToList();
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
    }

    private async Task<List<JsonElement>> EventsAsync(string query) =>
        [.. (await bed.Admin.GetAsync("/api/v1/events?" + query, Ct)).EnumerateArray()];

    /// <summary>The events in the gateway's spool (JSON lines, one file per segment) as it is now.</summary>
    private List<JsonElement> SpooledEvents()
    {
        var spool = Path.Combine(bed.Directory, "gateway", "spool");
        return !Directory.Exists(spool)
            ? []
            : Directory.EnumerateFiles(spool, "*.jsonl")
                .SelectMany(File.ReadLines)
                .Where(l => l.EndsWith('}'))
                .Select(l => JsonDocument.Parse(l).RootElement.Clone())
                .ToList();
    }

    private static bool Is(JsonElement e, string property, string value) =>
        string.Equals(Text(e, property), value, StringComparison.Ordinal);

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;
}
