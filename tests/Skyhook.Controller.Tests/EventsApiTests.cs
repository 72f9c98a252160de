using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Skyhook.Controller.Events;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Tests;

/// <summary>Gateways' event batches stored exactly once, refused whole when bad, and read back filtered, as CSV, or followed.</summary>
public abstract class EventsApiTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ingest_Batch_ListedNewestFirstWithEveryField()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-list");
        var at = fixture.Time.GetUtcNow();
        var flow = new TelemetryEvent(1, EventKinds.Flow, at, "EV-List-User", "192.168.43.10", SessionId: new string('a', 32), Verdict: Verdicts.Allowed,
            Rule: "profile p rule 1", Protocol: "tcp", Destination: "10.0.0.12", Port: 80, Container: "web1", Service: "web",
            Ended: at.AddSeconds(5), BytesFromClient: 10, BytesToClient: 20, PacketsFromClient: 1, PacketsToClient: 2);
        var dns = new TelemetryEvent(2, EventKinds.Dns, at.AddSeconds(1), "ev-list-user", "192.168.43.10", Verdict: Verdicts.Allowed,
            Container: "web1", Name: "web1.apps.internal", QueryType: "A", ResultCode: "NOERROR", Answer: "10.0.0.12");

        var ack = await PostAsync(gateway, new TelemetryBatch([flow, dns]));

        Assert.Equal(2, ack.Acknowledged);
        var events = await ListAsync(admin, "?user=EV-LIST-USER");
        Assert.Equal(["dns", "flow"], events.Select(e => e.GetProperty("kind").GetString()));
        Assert.True(events[0].GetProperty("id").GetInt64() > events[1].GetProperty("id").GetInt64());
        var stored = events[1];
        Assert.Equal("ev-list-1", stored.GetProperty("gateway").GetString());
        Assert.Equal(1, stored.GetProperty("sequence").GetInt64());
        Assert.Equal("ev-list-user", stored.GetProperty("user").GetString());
        Assert.Equal(at, stored.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(at.AddSeconds(5), stored.GetProperty("ended").GetDateTimeOffset());
        Assert.Equal(80, stored.GetProperty("port").GetInt32());
        Assert.Equal("web", stored.GetProperty("service").GetString());
        Assert.Equal(20, stored.GetProperty("bytesToClient").GetInt64());
        Assert.Equal("profile p rule 1", stored.GetProperty("rule").GetString());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("path").ValueKind);
        Assert.Equal("NOERROR", events[0].GetProperty("resultCode").GetString());
    }

    [Fact]
    public async Task Ingest_ResentOverlappingAndGappedBatches_EachSequenceStoredOnce()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-once");
        var batch = new TelemetryBatch(Events("ev-once-user", 1, 3));

        Assert.Equal(3, (await PostAsync(gateway, batch)).Acknowledged);
        Assert.Equal(3, (await PostAsync(gateway, batch)).Acknowledged);
        Assert.Equal(5, (await PostAsync(gateway, new TelemetryBatch(Events("ev-once-user", 2, 5)))).Acknowledged);
        // A gap (events the gateway lost) is accepted; what is below the acknowledgement is not stored again.
        Assert.Equal(9, (await PostAsync(gateway, new TelemetryBatch(Events("ev-once-user", 8, 9)))).Acknowledged);
        Assert.Equal(9, (await PostAsync(gateway, new TelemetryBatch(Events("ev-once-user", 6, 7)))).Acknowledged);
        Assert.Equal(9, (await PostAsync(gateway, new TelemetryBatch([]))).Acknowledged);

        var sequences = (await ListAsync(admin, "?user=ev-once-user")).Select(e => e.GetProperty("sequence").GetInt64());
        Assert.Equal([9, 8, 5, 4, 3, 2, 1], sequences);
    }

    [Fact]
    public async Task Ingest_SameBatchRacingItself_StoredOnce()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-race");
        var batch = new TelemetryBatch(Events("ev-race-user", 1, 200));

        var posts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(gateway, batch)));

        Assert.All(posts, ack => Assert.Equal(200, ack.Acknowledged));
        Assert.Equal(200, (await ListAsync(admin, "?user=ev-race-user&limit=1000")).Count);
    }

    [Fact]
    public async Task Ingest_LargeBatch_AcceptedAboveTheGeneralBodyLimit()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-large");
        var path = "/" + new string('p', 2000);
        var batch = new TelemetryBatch(Events("ev-large-user", 1, 1000).Select(e => e with { Kind = EventKinds.Web, Path = path }).ToList());

        Assert.Equal(1000, (await PostAsync(gateway, batch)).Acknowledged);
    }

    [Fact]
    public async Task Ingest_Dropped_CountedOnceAndLoggedAsWarning()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-drop");
        var batch = new TelemetryBatch(Events("ev-drop-user", 1, 1), Dropped: 42);

        await PostAsync(gateway, batch);
        await PostAsync(gateway, batch);

        var warnings = fixture.Logs.Lines.Where(l => l.Contains("[3601]", StringComparison.Ordinal) && l.Contains("ev-drop-1", StringComparison.Ordinal)).ToList();
        Assert.StartsWith("Warning", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.Contains("42", warnings[0], StringComparison.Ordinal);
    }

    // Each follows a good event (sequence 1), so that a refused batch visibly stores nothing.
    public static TheoryData<string, string> BadEvents => new()
    {
        { """{"sequence":1,"kind":"flow","at":"2026-01-05T09:00:00Z","user":"u","vpnAddress":null}""", "events[1].sequence" },
        { """{"sequence":0,"kind":"flow","at":"2026-01-05T09:00:00Z","user":"u","vpnAddress":null}""", "events[1].sequence" },
        { """{"sequence":2,"kind":"audit","at":"2026-01-05T09:00:00Z","user":"u","vpnAddress":null}""", "events[1].kind" },
        { """{"sequence":2,"kind":"telnet","at":"2026-01-05T09:00:00Z","user":"u","vpnAddress":null}""", "events[1].kind" },
        { """{"sequence":2,"kind":"flow","user":"u","vpnAddress":null}""", "events[1].at" },
        { """{"sequence":2,"kind":"flow","at":"2026-01-05T09:00:00Z","user":"u","vpnAddress":null,"port":65536}""", "events[1].port" },
        { """{"sequence":2,"kind":"flow","at":"2026-01-05T09:00:00Z","user":"u","vpnAddress":null,"bytesToClient":-1}""", "events[1].bytesToClient" },
        { """{"sequence":2,"kind":"flow","at":"2026-01-05T09:00:00Z","user":"u","vpnAddress":null,"verdict":"maybe"}""", "events[1].verdict" },
        { """{"sequence":2,"kind":"dns","at":"2026-01-05T09:00:00Z","user":"u","vpnAddress":null,"name":"LONG"}""", "events[1].name" },
        { """null""", "events[1]" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task Ingest_BadEvent_BatchRefusedNamingTheFieldNothingStored(string bad, string field)
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-bad-" + Guid.NewGuid().ToString("N")[..8]);
        var good = """{"sequence":1,"kind":"flow","at":"2026-01-05T09:00:00Z","user":"u","vpnAddress":null}""";
        var json = "{\"events\":[" + good + "," + bad.Replace("LONG", new string('n', 300), StringComparison.Ordinal) + "]}";

        var errors = await RefusedAsync(gateway, json);

        Assert.True(errors.TryGetProperty(field, out _), errors.GetRawText());
        Assert.Equal(0, (await PostAsync(gateway, new TelemetryBatch([]))).Acknowledged);
    }

    [Theory]
    [InlineData("""{"events":[],"dropped":-1}""", "dropped")]
    [InlineData("""{"dropped":0}""", "events")]
    public async Task Ingest_BadBatch_RefusedNamingTheField(string json, string field)
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-badb-" + Guid.NewGuid().ToString("N")[..8]);
        var errors = await RefusedAsync(gateway, json);
        Assert.True(errors.TryGetProperty(field, out _), errors.GetRawText());
    }

    [Fact]
    public async Task Ingest_TooManyEvents_Refused()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-many");
        var response = await gateway.PostAsJsonAsync("/api/v1/gateway/events", new TelemetryBatch(Events("ev-many-user", 1, TelemetryBatch.MaxEvents + 1)), Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("events", out _));
        Assert.Empty(await ListAsync(admin, "?user=ev-many-user"));
    }

    [Fact]
    public async Task List_Filters_ReturnExactlyTheMatchingEvents()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-filter");
        var t0 = fixture.Time.GetUtcNow();
        await PostAsync(gateway, new TelemetryBatch(
        [
            new(1, EventKinds.Flow, t0, "ev-f-ann", "192.168.43.2", Verdict: Verdicts.Allowed, Container: "evf-web1", Service: "evf-web", Port: 80),
            new(2, EventKinds.Flow, t0.AddMinutes(1), "ev-f-ann", "192.168.43.2", Verdict: Verdicts.Denied, Container: "evf-db1", Port: 5432),
            new(3, EventKinds.Dns, t0.AddMinutes(2), "ev-f-bob", "192.168.43.3", Verdict: Verdicts.Denied, Container: "evf-web2", Service: "evf-web", Name: "web2"),
            new(4, EventKinds.Session, t0.AddMinutes(3), "ev-f-bob", "192.168.43.3", Action: SessionActions.Connect, PublicAddress: "198.51.100.7"),
        ]));

        Assert.Equal([2, 1], await SequencesAsync(admin, "?user=EV-F-ANN"));
        Assert.Equal([3, 1], await SequencesAsync(admin, "?container=evf-web&gateway=EV-FILTER-1"));
        Assert.Equal([2], await SequencesAsync(admin, "?container=evf-db1"));
        Assert.Equal([3, 2], await SequencesAsync(admin, "?verdict=denied&gateway=ev-filter-1"));
        Assert.Equal([4], await SequencesAsync(admin, "?kind=session&gateway=ev-filter-1"));
        Assert.Equal([3], await SequencesAsync(admin, "?kind=dns&verdict=denied&user=ev-f-bob"));
        Assert.Equal([3], await SequencesAsync(admin, "?q=WEB2&gateway=ev-filter-1"));
        Assert.Equal([4], await SequencesAsync(admin, "?q=198.51.100&gateway=ev-filter-1"));
        var from = Uri.EscapeDataString(t0.AddMinutes(1).ToString("O"));
        var to = Uri.EscapeDataString(t0.AddMinutes(2).ToString("O"));
        Assert.Equal([3, 2], await SequencesAsync(admin, $"?gateway=ev-filter-1&from={from}&to={to}"));
        Assert.Equal([4, 3, 2], await SequencesAsync(admin, $"?gateway=ev-filter-1&from={from}"));
        Assert.Equal([2], await SequencesAsync(admin, $"?gateway=ev-filter-1&from={from}&limit=1&before={(await ListAsync(admin, "?gateway=ev-filter-1&kind=dns"))[0].GetProperty("id").GetInt64()}"));
        var first = (await ListAsync(admin, "?gateway=ev-filter-1&kind=flow&verdict=allowed"))[0].GetProperty("id").GetInt64();
        Assert.Equal([2, 3], await SequencesAsync(admin, $"?gateway=ev-filter-1&after={first}&limit=2"));

        Assert.True((await ProblemAsync(admin, "?kind=telnet")).TryGetProperty("kind", out _));
        Assert.True((await ProblemAsync(admin, "?verdict=maybe")).TryGetProperty("verdict", out _));
        Assert.True((await ProblemAsync(admin, "?limit=1001")).TryGetProperty("limit", out _));
        Assert.True((await ProblemAsync(admin, $"?from={to}&to={from}")).TryGetProperty("to", out _));
        Assert.True((await ProblemAsync(admin, "?wait=5")).TryGetProperty("wait", out _));
        Assert.True((await ProblemAsync(admin, "?after=1&wait=31")).TryGetProperty("wait", out _));
        Assert.True((await ProblemAsync(admin, "?format=xml")).TryGetProperty("format", out _));
        Assert.True((await ProblemAsync(admin, "?q=" + new string('x', 201))).TryGetProperty("q", out _));
    }

    [Fact]
    public async Task List_Csv_HeaderQuotingAndFormulaCellsDefused()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-csv");
        var at = new DateTimeOffset(2026, 1, 5, 9, 30, 0, 123, TimeSpan.Zero);
        await PostAsync(gateway, new TelemetryBatch(
        [
            new(1, EventKinds.Web, at, "ev-csv-user", "192.168.43.4", Verdict: Verdicts.Allowed, Method: "GET", Path: "/a,b?q=\"x\"", Name: "=HYPERLINK(\"http://evil\")", Scheme: "http", Port: 80),
            new(2, EventKinds.Session, at, "ev-csv-user", "192.168.43.4", Action: SessionActions.Refused, Reason: "@SUM(1)\nnext line"),
        ]));

        var response = await admin.GetAsync("/api/v1/events?user=ev-csv-user&format=csv", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var csv = await response.Content.ReadAsStringAsync(Cancel);
        var lines = csv.Split("\r\n");
        Assert.StartsWith("id,gateway,sequence,kind,at,user,vpnAddress,sessionId,action,verdict,rule,protocol,destination,port,container,service,name,", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(",packetsToClient", lines[0], StringComparison.Ordinal);
        Assert.Contains(",ev-csv-1,1,web,2026-01-05T09:30:00.123Z,ev-csv-user,192.168.43.4,,,allowed,,,,80,,,\"'=HYPERLINK(\"\"http://evil\"\")\",,,,GET,\"/a,b?q=\"\"x\"\"\",http,", csv, StringComparison.Ordinal);
        Assert.Contains(",\"'@SUM(1)\nnext line\",", csv, StringComparison.Ordinal);
        Assert.Equal(4, lines.Length); // header, two rows (one holding a quoted line break), and the empty remainder after the last CRLF
        Assert.Equal("", lines[^1]);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?user=ev-csv-user");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var accepted = await admin.SendAsync(request, Cancel);
        Assert.Equal(csv, await accepted.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task Follow_NewEvents_ReturnedOldestFirst_NoneTimesOutEmpty()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-follow");
        await PostAsync(gateway, new TelemetryBatch(Events("ev-follow-user", 1, 1)));
        var last = (await ListAsync(admin, "?limit=1"))[0].GetProperty("id").GetInt64();

        var poll = admin.GetAsync($"/api/v1/events?after={last}&wait=30", Cancel);
        await Task.Delay(300, Cancel);
        Assert.False(poll.IsCompleted, "A follower with nothing newer must wait.");
        await PostAsync(gateway, new TelemetryBatch(Events("ev-follow-user", 2, 3)));
        var woken = await ControllerFixture.ReadAsync(await poll.WaitAsync(TimeSpan.FromSeconds(10), Cancel), HttpStatusCode.OK);
        Assert.Equal([2, 3], woken.EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));

        var newest = woken.EnumerateArray().Last().GetProperty("id").GetInt64();
        var idle = admin.GetAsync($"/api/v1/events?after={newest}&wait=5", Cancel);
        await Task.Delay(300, Cancel);
        Assert.False(idle.IsCompleted, "A follower with nothing newer must wait.");
        // The wait is on the controller's clock: move it past the 5 s.
        for (var i = 0; i < 60 && !idle.IsCompleted; i++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, Cancel);
        }

        var empty = await ControllerFixture.ReadAsync(await idle.WaitAsync(TimeSpan.FromSeconds(10), Cancel), HttpStatusCode.OK);
        Assert.Equal(0, empty.GetArrayLength());
    }

    [Fact]
    public async Task Follow_AdminChange_WakesAFollowerAtOnce()
    {
        using var admin = fixture.CreateAdminClient();
        var last = (await ListAsync(admin, "?limit=1")) is [var newest, ..] ? newest.GetProperty("id").GetInt64() : 0;

        // The wait's clock is the controller's fake one and is not moved: only the save's signal can end it early.
        var poll = admin.GetAsync($"/api/v1/events?after={last}&kind=audit&wait=30", Cancel);
        await Task.Delay(300, Cancel);
        Assert.False(poll.IsCompleted, "A follower with nothing newer must wait.");
        await ProfilesApiTests.CreateProfileAsync(admin, "ev-wake-profile");

        var woken = await ControllerFixture.ReadAsync(await poll.WaitAsync(TimeSpan.FromSeconds(10), Cancel), HttpStatusCode.OK);
        Assert.Contains(woken.EnumerateArray(), e => e.GetProperty("name").GetString() == "profile ev-wake-profile");
    }

    [Fact]
    public async Task Retention_HourlyRun_DeletesEventsOlderThan30DaysKeepsRecent()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-keep");
        var now = fixture.Time.GetUtcNow();
        await PostAsync(gateway, new TelemetryBatch(
        [
            new(1, EventKinds.Flow, now.AddDays(-30).AddMinutes(-1), "ev-keep-user", "192.168.43.5"),
            new(2, EventKinds.Flow, now.AddDays(-30).AddMinutes(70), "ev-keep-user", "192.168.43.5"),
        ]));
        Assert.Equal([2, 1], await SequencesAsync(admin, "?user=ev-keep-user"));

        // The retention service runs every hour on the controller's clock.
        fixture.Time.Advance(TimeSpan.FromHours(1));
        var remaining = await SequencesAsync(admin, "?user=ev-keep-user");
        for (var i = 0; i < 200 && remaining.Count != 1; i++)
        {
            await Task.Delay(50, Cancel);
            remaining = await SequencesAsync(admin, "?user=ev-keep-user");
        }

        Assert.True(remaining.SequenceEqual([2]), "Expected only the event younger than 30 days to remain, got sequences " + string.Join(",", remaining));
    }

    [Fact]
    public async Task Feed_AfterId_StoredEventsInStorageOrder()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-feed");
        await PostAsync(gateway, new TelemetryBatch(Events("ev-feed-user", 1, 1)));
        var before = (await ListAsync(admin, "?user=ev-feed-user"))[0].GetProperty("id").GetInt64() - 1;
        await PostAsync(gateway, new TelemetryBatch(Events("ev-feed-user", 2, 3)));

        await using var scope = fixture.CreateScope();
        var feed = scope.ServiceProvider.GetRequiredService<IEventFeed>();
        var read = await feed.ReadAfterAsync(before, 2, Cancel);

        Assert.Equal([1, 2], read.Select(e => e.Event.Sequence));
        Assert.All(read, e => Assert.Equal("ev-feed-1", e.Gateway));
        Assert.True(read[0].Id < read[1].Id);
        Assert.Equal(3, Assert.Single(await feed.ReadAfterAsync(read[1].Id, 1, Cancel)).Event.Sequence);
        // The newest id is found without reading the store through.
        var newest = await feed.NewestIdAsync(Cancel);
        Assert.True(newest > read[1].Id, $"newest {newest} after {read[1].Id}");
        Assert.Empty(await feed.ReadAfterAsync(newest, 1, Cancel));
    }

    [Fact]
    public async Task Export_BatchFromAGateway_RsyslogParsesEachStoredEventAsRfc5424()
    {
        Requirements.RequireRsyslog();
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-syslog");
        await PostAsync(gateway, new TelemetryBatch(Events("ev-syslog-user", 1, 1)));
        var before = (await ListAsync(admin, "?user=ev-syslog-user"))[0].GetProperty("id").GetInt64() - 1;
        await PostAsync(gateway, new TelemetryBatch(Events("ev-syslog-user", 1, 5)));

        // What the exporter sends: the store in storage order, through the real feed, to a real rsyslogd.
        await using var scope = fixture.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IEventFeed>().ReadAfterAsync(before, 100, Cancel);
        var folder = Directory.CreateTempSubdirectory("skyhook-rsyslog-").FullName;
        try
        {
            await using var rsyslog = await Export.Rsyslog.StartAsync(folder);
            await using (var sink = new Skyhook.Controller.Events.Export.SyslogSink(
                new Skyhook.Controller.Events.Export.SyslogExportOptions { Enabled = true, Host = "127.0.0.1", Port = rsyslog.Port },
                new Skyhook.Controller.Events.Export.SyslogFormatter(16, "ctl1")))
            {
                await sink.SendAsync(stored.Where(e => e.Event.User == "ev-syslog-user").ToList(), Cancel);
            }

            await Export.Eventually.HoldsAsync(() => rsyslog.Lines().Count == 5, "rsyslog parsed the 5 stored events");
            var lines = rsyslog.Lines();
            Assert.Equal(["1", "2", "3", "4", "5"], lines.Select(l => l.Parameters["seq"]));
            Assert.All(lines, l =>
            {
                Assert.Equal("1", l.Version);
                Assert.Equal("ev-syslog-1", l.HostName);
                Assert.Equal("flow", l.MessageId);
                Assert.Equal("ev-syslog-user", l.Parameters["user"]);
                Assert.Equal("10.0.0.12", l.Parameters["destination"]);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Ingest_GatewayRemoved_ItsEventsStayWithItsName()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-gone");
        await PostAsync(gateway, new TelemetryBatch(Events("ev-gone-user", 1, 2)));

        await ControllerFixture.ReadAsync(await admin.DeleteAsync("/api/v1/gateways/ev-gone-1", Cancel), HttpStatusCode.NoContent);

        var events = await ListAsync(admin, "?gateway=ev-gone-1");
        Assert.Equal([2, 1], events.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.PostAsJsonAsync("/api/v1/gateway/events", new TelemetryBatch(Events("ev-gone-user", 3, 3)), Cancel)).StatusCode);
    }

    [Fact]
    public async Task Audit_AdminChange_AppearsAsAuditEvent()
    {
        using var admin = fixture.CreateAdminClient(source: "192.0.2.45");
        await ProfilesApiTests.CreateProfileAsync(admin, "ev-audit-profile");

        var events = await ListAsync(admin, $"?kind=audit&user={ControllerFixture.AdminName}&limit=50");
        var change = Assert.Single(events, e => e.GetProperty("name").GetString() == "profile ev-audit-profile");
        Assert.Equal("profile.create", change.GetProperty("action").GetString());
        Assert.Equal("192.0.2.45", change.GetProperty("publicAddress").GetString());
        Assert.Equal(JsonValueKind.Null, change.GetProperty("gateway").ValueKind);
        Assert.Equal(JsonValueKind.Null, change.GetProperty("sequence").ValueKind);
        Assert.Equal(fixture.Time.GetUtcNow().ToUnixTimeMilliseconds(), change.GetProperty("at").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task List_AnonymousOrGatewayCredential_Refused()
    {
        using var admin = fixture.CreateAdminClient();
        using var gateway = await GatewayAsync(admin, "ev-auth");
        using var anonymous = fixture.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/events", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.GetAsync("/api/v1/events", Cancel)).StatusCode);
        // And an admin's token is no gateway's.
        using var adminAsGateway = Gateways.GatewayClient(fixture, fixture.AdminToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await adminAsGateway.PostAsJsonAsync("/api/v1/gateway/events", new TelemetryBatch([]), Cancel)).StatusCode);
    }

    private async Task<HttpClient> GatewayAsync(HttpClient admin, string group)
    {
        await Gateways.CreateGroupAsync(admin, group);
        var (_, client) = await Gateways.AddAndEnrolAsync(fixture, admin, group, group + "-1");
        return client;
    }

    private List<TelemetryEvent> Events(string user, long first, long last) =>
        [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => new TelemetryEvent(
            i, EventKinds.Flow, fixture.Time.GetUtcNow(), user, "192.168.43.9", Verdict: Verdicts.Allowed, Protocol: "tcp", Destination: "10.0.0.12", Port: 80))];

    private static async Task<TelemetryAck> PostAsync(HttpClient gateway, TelemetryBatch batch)
    {
        var body = await ControllerFixture.ReadAsync(await gateway.PostAsJsonAsync("/api/v1/gateway/events", batch, Cancel), HttpStatusCode.OK);
        return body.Deserialize<TelemetryAck>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private static async Task<JsonElement> RefusedAsync(HttpClient gateway, string json)
    {
        var response = await gateway.PostAsync("/api/v1/gateway/events", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Cancel);
        return (await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient admin, string query) =>
        [.. (await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/events" + query, Cancel), HttpStatusCode.OK)).EnumerateArray()];

    private static async Task<List<long>> SequencesAsync(HttpClient admin, string query) =>
        [.. (await ListAsync(admin, query)).Select(e => e.GetProperty("sequence").GetInt64())];

    private static async Task<JsonElement> ProblemAsync(HttpClient admin, string query) =>
        (await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/events" + query, Cancel), HttpStatusCode.BadRequest)).GetProperty("errors");
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteEventsApiTests(SqliteControllerFixture fixture) : EventsApiTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresEventsApiTests(PostgresControllerFixture fixture) : EventsApiTests(fixture);
