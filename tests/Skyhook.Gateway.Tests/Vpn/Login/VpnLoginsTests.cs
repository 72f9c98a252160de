using System.Collections.Concurrent;
using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Telemetry;
using Skyhook.Gateway.Tests.Telemetry;
using Skyhook.Gateway.Tests.Vpn.OpenVpn;
using Skyhook.Gateway.Vpn;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Tests.Vpn.Login;

/// <summary>
/// The login flow against the FAKE management socket (the real openvpn and controller are in
/// GatewayEndToEndTests), for what real components cannot be made to do on cue: a controller that
/// answers one login slowly, a full address block, a push the gateway cannot apply.
/// </summary>
public sealed class VpnLoginsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly VpnPush Push = new(["10.0.0.0/16"], false, ["10.0.0.2"], ["apps.internal"]);
    private readonly ConcurrentDictionary<string, Func<VpnAuthRequest, Task<VpnAuthDecision>>> _decisions = new();
    private readonly ConcurrentQueue<VpnAuthRequest> _requests = new();
    private readonly VpnSessions _sessions = new();
    private readonly RecordingLogger<VpnLogins> _log = new(output);
    private readonly CancellationTokenSource _stop = new();
    private FakeManagementServer _server = null!;
    private OpenVpnManagementClient _client = null!;
    private Task _running = Task.CompletedTask;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private LeaseTable Leases { get; set; } = new(Cidr.Parse("192.168.43.0/24"));

    public async ValueTask InitializeAsync()
    {
        _server = new FakeManagementServer();
        var accepting = _server.AcceptAsync(Ct);
        _client = await OpenVpnManagementClient.ConnectAsync(_server.SocketPath, null, null, null, Ct);
        await accepting;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _client.DisposeAsync();
        await _running;
        await _server.DisposeAsync();
        _stop.Dispose();
    }

    private void Start(ISessionPolicy? policy = null, IVpnNameserver? nameserver = null, IEventSink? events = null)
    {
        var logins = new VpnLogins((request, ct) =>
        {
            _requests.Enqueue(request);
            return _decisions.TryGetValue(request.UserName, out var decide) ? decide(request) : Task.FromResult(Allowed("token-" + request.UserName));
        }, _sessions, TimeProvider.System, _log, policy, nameserver, events);
        _running = logins.RunAsync(_client, Leases, _stop.Token);
    }

    private static VpnAuthDecision Allowed(string token) => new(true, null, "dev", token, DateTimeOffset.UtcNow.AddHours(1), Push);

    /// <param name="ivProto">The client's IV_PROTO peer info: 990 is what openvpn 2.6 sends (bit 6: it takes the dns option).</param>
    private Task ConnectAsync(ulong cid, string user, string password, string kind = "CONNECT", int ivProto = 30) =>
        _server.WriteAsync(
            $">CLIENT:{kind},{cid},0\n>CLIENT:ENV,username={user}\n>CLIENT:ENV,password={password}\n>CLIENT:ENV,untrusted_ip=198.51.100.2\n>CLIENT:ENV,untrusted_port={5000 + cid}\n>CLIENT:ENV,IV_VER=2.6.14\n>CLIENT:ENV,IV_PROTO={ivProto}\n>CLIENT:ENV,END\n",
            Ct);

    /// <summary>Reads one command (client-auth blocks up to END) and answers SUCCESS.</summary>
    private async Task<List<string>> ReadCommandAsync(string reply = "SUCCESS: done")
    {
        var first = await _server.ReadLineAsync(Ct) ?? throw new InvalidOperationException("the connection closed");
        var lines = new List<string> { first };
        if (first.StartsWith("client-auth ", StringComparison.Ordinal))
        {
            string? line;
            do
            {
                line = await _server.ReadLineAsync(Ct) ?? throw new InvalidOperationException("the connection closed inside client-auth");
                lines.Add(line);
            }
            while (line != "END");
        }
        await _server.WriteAsync(reply + "\n", Ct);
        return lines;
    }

    private static string Scrv1(string password, string code) => StaticChallenge.Encode(password, code);

    [Fact]
    public async Task Connect_Allowed_ClientAuthWithLeasedAddressPushAndToken()
    {
        Start();
        await ConnectAsync(5, "alice", Scrv1("pw", "123456"));

        var command = await ReadCommandAsync();

        Assert.Equal("client-auth 5 0", command[0]);
        Assert.Contains("push \"route 10.0.0.0 255.255.0.0\"", command);
        Assert.Contains("push \"dhcp-option DNS 10.0.0.2\"", command);
        Assert.Contains("push \"dhcp-option DOMAIN apps.internal\"", command);
        Assert.Contains("ifconfig-push 192.168.43.2 255.255.255.0", command);
        Assert.Contains("push \"auth-token token-alice\"", command);
        Assert.Equal("END", command[^1]);
        var request = Assert.Single(_requests);
        Assert.Equal(("alice", "pw", "123456", (string?)null, "198.51.100.2"), (request.UserName, request.Password, request.Code, request.SessionToken, request.PublicAddress));
        var session = Assert.Single(_sessions.Snapshot());
        Assert.Equal((5UL, IPAddress.Parse("192.168.43.2"), new IPEndPoint(IPAddress.Parse("198.51.100.2"), 5005)), (session.ClientId, session.Address, session.RealAddress));
    }

    [Fact]
    public async Task Connect_GatewayServesDns_ItsAddressPushedInsteadOfTheControllers_SplitDnsForClientsThatTakeIt()
    {
        Start(nameserver: new Nameserver(IPAddress.Parse("192.168.43.1")));
        await ConnectAsync(5, "alice", Scrv1("pw", "123456"), ivProto: 990);
        var modern = await ReadCommandAsync();
        await ConnectAsync(6, "bob", Scrv1("pw", "123456"), ivProto: 30);
        var older = await ReadCommandAsync();

        foreach (var command in new[] { modern, older })
        {
            Assert.Contains("push \"dhcp-option DNS 192.168.43.1\"", command);
            Assert.DoesNotContain("push \"dhcp-option DNS 10.0.0.2\"", command);
            Assert.Contains("push \"dhcp-option DOMAIN apps.internal\"", command);
        }
        Assert.Contains("push \"dns server 0 address 192.168.43.1\"", modern);
        Assert.Contains("push \"dns server 0 resolve-domains apps.internal\"", modern);
        Assert.Contains("push \"dns search-domains apps.internal\"", modern);
        Assert.DoesNotContain(older, line => line.Contains("\"dns ", StringComparison.Ordinal));
    }

    private sealed record Nameserver(IPAddress? Address) : IVpnNameserver;

    [Fact]
    public async Task Connect_SlowDecision_OtherLoginsAndRepliesKeepFlowing()
    {
        var release = new TaskCompletionSource<VpnAuthDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
        _decisions["slow"] = _ => release.Task;
        Start();

        await ConnectAsync(1, "slow", Scrv1("pw", "111111"));
        await Eventually.True(() => _requests.Count == 1, "the slow login asked", TimeSpan.FromSeconds(10), Ct);
        await ConnectAsync(2, "fast", Scrv1("pw", "222222"));

        // The fast one is decided and answered while the slow one still waits.
        var fast = await ReadCommandAsync();
        Assert.Equal("client-auth 2 0", fast[0]);
        Assert.Contains("ifconfig-push 192.168.43.2 255.255.255.0", fast);

        release.SetResult(Allowed("token-slow"));
        var slow = await ReadCommandAsync();
        Assert.Equal("client-auth 1 0", slow[0]);
        Assert.Contains("ifconfig-push 192.168.43.3 255.255.255.0", slow);
        Assert.Equal(2, _sessions.Count);
    }

    [Fact]
    public async Task Connect_Refused_ClientDenyWithTheControllersReason()
    {
        _decisions["alice"] = _ => Task.FromResult(new VpnAuthDecision(false, "Wrong user name, password or code.", null, null, null, null));
        Start();
        await ConnectAsync(3, "alice", Scrv1("pw", "000000"));

        var command = Assert.Single(await ReadCommandAsync());

        Assert.Equal("client-deny 3 0 \"Wrong user name, password or code.\" \"Wrong user name, password or code.\"", command);
        Assert.Equal(0, _sessions.Count);
        Assert.Equal(0, Leases.Count);
    }

    [Fact]
    public async Task Connect_ControllerUnreachable_DeniedWithTryAgain()
    {
        _decisions["alice"] = _ => throw new ControllerApiException("cannot reach the controller");
        Start();
        await ConnectAsync(4, "alice", Scrv1("pw", "000000"));

        var command = Assert.Single(await ReadCommandAsync());

        Assert.Equal($"client-deny 4 0 \"{VpnLogins.ControllerUnreachable}\" \"{VpnLogins.ControllerUnreachable}\"", command);
    }

    [Fact]
    public async Task Connect_ReplicaDiesMidRequest_AskedAgainAndAllowed()
    {
        var attempts = 0;
        _decisions["alice"] = _ => Interlocked.Increment(ref attempts) switch
        {
            1 => throw new ControllerApiException("the balancer's replica died", HttpStatusCode.BadGateway),
            2 => throw new ControllerApiException("dropped", null, new HttpRequestException(HttpRequestError.ResponseEnded, "ended")),
            _ => Task.FromResult(Allowed("token-alice")),
        };
        Start();
        await ConnectAsync(4, "alice", Scrv1("pw", "000000"));

        var commands = await ReadCommandAsync();

        Assert.StartsWith("client-auth 4 0", commands[0], StringComparison.Ordinal);
        Assert.Equal(3, attempts);
        Assert.Equal(2, _log.Lines.Count(l => l.Contains(" 4338 ", StringComparison.Ordinal)));
        // The same attempt each time: the replica that took the code may have committed before it died.
        var ids = _requests.Select(r => r.AttemptId).Distinct().ToList();
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(ids));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, 1)]
    [InlineData(HttpStatusCode.ServiceUnavailable, 3)]
    public async Task Connect_ControllerFailsEveryTime_AskedAtMostThriceOnlyWhenTransient(HttpStatusCode status, int expectedAttempts)
    {
        var attempts = 0;
        _decisions["alice"] = _ =>
        {
            Interlocked.Increment(ref attempts);
            throw new ControllerApiException("no", status);
        };
        Start();
        await ConnectAsync(4, "alice", Scrv1("pw", "000000"));

        var command = Assert.Single(await ReadCommandAsync());

        Assert.StartsWith("client-deny 4 0", command, StringComparison.Ordinal);
        Assert.Equal(expectedAttempts, attempts);
    }

    [Fact]
    public async Task Connect_BlockFull_DeniedWithAReason()
    {
        Leases = new LeaseTable(Cidr.Parse("10.8.0.0/29"));
        Start();
        for (ulong cid = 0; cid < 5; cid++)
        {
            await ConnectAsync(cid, "user" + cid, Scrv1("pw", "123456"));
            Assert.StartsWith("client-auth", (await ReadCommandAsync())[0], StringComparison.Ordinal);
        }

        await ConnectAsync(9, "late", Scrv1("pw", "123456"));
        var command = Assert.Single(await ReadCommandAsync());

        Assert.StartsWith("client-deny 9 0 \"this gateway has no free VPN address", command, StringComparison.Ordinal);

        // A disconnect frees an address for the next login.
        await _server.WriteAsync(">CLIENT:DISCONNECT,2\n>CLIENT:ENV,bytes_received=10\n>CLIENT:ENV,bytes_sent=20\n>CLIENT:ENV,END\n", Ct);
        await Eventually.True(() => _sessions.Count == 4, "the session ended", TimeSpan.FromSeconds(10), Ct);
        await ConnectAsync(10, "late", Scrv1("pw", "123456"));
        Assert.Contains("ifconfig-push 10.8.0.4 255.255.255.248", await ReadCommandAsync());
    }

    [Fact]
    public async Task Reauth_Allowed_ClientAuthNtAddressKept()
    {
        Start();
        await ConnectAsync(6, "alice", Scrv1("pw", "123456"));
        await ReadCommandAsync();

        await ConnectAsync(6, "alice", "token-alice", "REAUTH");
        var command = Assert.Single(await ReadCommandAsync());

        Assert.Equal("client-auth-nt 6 0", command);
        Assert.Equal("token-alice", _requests.Last().SessionToken);
        Assert.Equal(IPAddress.Parse("192.168.43.2"), Leases.AddressOf(6));
    }

    [Fact]
    public async Task Connect_PushTheGatewayCannotApply_DeniedAndAddressReturned()
    {
        _decisions["alice"] = _ => Task.FromResult(Allowed("token") with { Push = new VpnPush(["10.0.0.0/99"], false, [], []) });
        Start();
        await ConnectAsync(7, "alice", Scrv1("pw", "123456"));

        var command = Assert.Single(await ReadCommandAsync());

        Assert.StartsWith("client-deny 7 0 \"the gateway cannot apply", command, StringComparison.Ordinal);
        Assert.Equal(0, Leases.Count);
    }

    [Fact]
    public async Task Connect_PolicyBindsBeforeClientAuth_AndAgainAtDisconnect()
    {
        var policy = new SessionPolicyFake(_sessions);
        Start(policy);
        await ConnectAsync(11, "alice", Scrv1("pw", "123456"));

        Assert.StartsWith("client-auth 11 0", (await ReadCommandAsync())[0], StringComparison.Ordinal);
        // When the policy was told, the session was already listed: its address was bound before client-auth.
        Assert.Equal([1], policy.SessionCounts);

        await _server.WriteAsync(">CLIENT:DISCONNECT,11\n>CLIENT:ENV,bytes_received=10\n>CLIENT:ENV,bytes_sent=20\n>CLIENT:ENV,END\n", Ct);
        await Eventually.True(() => policy.SessionCounts.Count == 2, "the policy told of the logout", TimeSpan.FromSeconds(10), Ct);
        Assert.Equal([1, 0], policy.SessionCounts);
    }

    [Fact]
    public async Task Connect_PolicyCannotBind_DeniedAndNothingKept()
    {
        Start(new SessionPolicyFake(_sessions) { Fails = true });
        await ConnectAsync(12, "alice", Scrv1("pw", "123456"));

        var command = Assert.Single(await ReadCommandAsync());

        Assert.StartsWith("client-deny 12 0 \"the gateway cannot apply your access policy", command, StringComparison.Ordinal);
        Assert.Equal(0, Leases.Count);
        Assert.Equal(0, _sessions.Count);
    }

    /// <summary>A FAKE policy table: records how many sessions were listed each time it was told, or fails on cue.</summary>
    private sealed class SessionPolicyFake(VpnSessions sessions) : ISessionPolicy
    {
        public bool Fails { get; init; }

        public List<int> SessionCounts { get; } = [];

        public Task SessionsChangedAsync(CancellationToken cancellationToken)
        {
            lock (SessionCounts)
            {
                SessionCounts.Add(sessions.Count);
            }
            return Fails ? Task.FromException(new InvalidOperationException("nft: no such table")) : Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Connect_Secrets_NeverLogged()
    {
        Start();
        await ConnectAsync(8, "alice", Scrv1("hunter2-secret", "654321"));
        await ReadCommandAsync();
        _decisions["alice"] = _ => Task.FromResult(new VpnAuthDecision(false, "no", null, null, null, null));
        await ConnectAsync(9, "alice", Scrv1("hunter2-secret", "654321"));
        await ReadCommandAsync();

        Assert.NotEmpty(_log.Lines);
        Assert.DoesNotContain(_log.Lines, l => l.Contains("hunter2-secret", StringComparison.Ordinal) || l.Contains("654321", StringComparison.Ordinal) || l.Contains("token-alice", StringComparison.Ordinal));
    }

    private const string SessionId = "0123456789abcdef0123456789abcdef";

    private Task EstablishedAsync(ulong cid) =>
        _server.WriteAsync($">CLIENT:ESTABLISHED,{cid}\n>CLIENT:ENV,username=alice\n>CLIENT:ENV,IV_VER=2.6.14\n>CLIENT:ENV,END\n", Ct);

    [Fact]
    public async Task Established_PublishesOneConnect_WithTheSessionsFields_NotAgainOnRenegotiation()
    {
        var events = new RecordingEventSink();
        _decisions["alice"] = _ => Task.FromResult(Allowed("token-alice") with { SessionId = SessionId });
        Start(events: events);
        await ConnectAsync(5, "alice", Scrv1("pw", "123456"));
        await ReadCommandAsync();
        Assert.Empty(events.Events);

        await EstablishedAsync(5);
        var connect = await Eventually.Get(() => events.Events.SingleOrDefault(), "a connect event", TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(
            (1L, EventKinds.Session, SessionActions.Connect, "alice", "192.168.43.2", SessionId, "198.51.100.2", "2.6.14"),
            (connect.Sequence + 1, connect.Kind, connect.Action, connect.User, connect.VpnAddress, connect.SessionId, connect.PublicAddress, connect.ClientVersion));
        Assert.InRange(connect.At, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.Null(connect.Ended);

        // A renegotiation is the same session: no second connect.
        await ConnectAsync(5, "alice", "token-alice", "REAUTH");
        Assert.Equal("client-auth-nt 5 0", Assert.Single(await ReadCommandAsync()));
        await EstablishedAsync(5);
        await Task.Delay(200, Ct);
        Assert.Single(events.Events);
    }

    [Fact]
    public async Task Disconnect_PublishesTheBytes_FromTheDisconnectOrElseTheLastStatusReading()
    {
        var events = new RecordingEventSink();
        Start(events: events);
        await ConnectAsync(5, "alice", Scrv1("pw", "123456"));
        await ReadCommandAsync();
        await ConnectAsync(6, "bob", Scrv1("pw", "123456"));
        await ReadCommandAsync();
        await EstablishedAsync(5);
        await EstablishedAsync(6);
        await Eventually.True(() => events.Events.Count == 2, "two connects", TimeSpan.FromSeconds(10), Ct);
        _sessions.Get(6)!.BytesFromClient = 77;
        _sessions.Get(6)!.BytesToClient = 88;

        await _server.WriteAsync(">CLIENT:DISCONNECT,5\n>CLIENT:ENV,bytes_received=1234\n>CLIENT:ENV,bytes_sent=5678\n>CLIENT:ENV,END\n", Ct);
        await _server.WriteAsync(">CLIENT:DISCONNECT,6\n>CLIENT:ENV,END\n", Ct);
        await Eventually.True(() => events.Events.Count == 4, "two disconnects", TimeSpan.FromSeconds(10), Ct);

        var alice = Assert.Single(events.Events, e => e.Action == SessionActions.Disconnect && e.User == "alice");
        Assert.Equal(("192.168.43.2", 1234L, 5678L), (alice.VpnAddress, alice.BytesFromClient, alice.BytesToClient));
        Assert.NotNull(alice.Ended);
        var bob = Assert.Single(events.Events, e => e.Action == SessionActions.Disconnect && e.User == "bob");
        Assert.Equal((77L, 88L), (bob.BytesFromClient, bob.BytesToClient));
    }

    [Fact]
    public async Task Refused_PublishesTheReason_NoAddress_NoSecret()
    {
        var events = new RecordingEventSink();
        _decisions["alice"] = _ => Task.FromResult(new VpnAuthDecision(false, "Wrong user name, password or code.", null, null, null, null));
        _decisions["bob"] = _ => throw new ControllerApiException("cannot reach the controller");
        Start(events: events);
        await ConnectAsync(3, "alice", Scrv1("hunter2-secret", "654321"));
        await ReadCommandAsync();
        await ConnectAsync(4, "bob", Scrv1("hunter2-secret", "654321"));
        await ReadCommandAsync();

        await Eventually.True(() => events.Events.Count == 2, "two refusals", TimeSpan.FromSeconds(10), Ct);
        var alice = Assert.Single(events.Events, e => e.User == "alice");
        Assert.Equal(
            (EventKinds.Session, SessionActions.Refused, "Wrong user name, password or code.", (string?)null, (string?)null, "198.51.100.2"),
            (alice.Kind, alice.Action, alice.Reason, alice.VpnAddress, alice.SessionId, alice.PublicAddress));
        Assert.Equal(VpnLogins.ControllerUnreachable, Assert.Single(events.Events, e => e.User == "bob").Reason);
        var json = System.Text.Json.JsonSerializer.Serialize(events.Events);
        Assert.DoesNotContain("hunter2-secret", json, StringComparison.Ordinal);
        Assert.DoesNotContain("654321", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Scrv1("hunter2-secret", "654321"), json, StringComparison.Ordinal);
    }
}
