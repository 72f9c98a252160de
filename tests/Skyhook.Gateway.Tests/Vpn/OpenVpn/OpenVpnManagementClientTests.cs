using Microsoft.Extensions.Time.Testing;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

public sealed class OpenVpnManagementClientTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(FakeManagementServer Server, OpenVpnManagementClient Client, RecordingLogger<OpenVpnManagementClient> Log)> ConnectAsync(
        OpenVpnManagementOptions? options = null, TimeProvider? time = null)
    {
        var server = new FakeManagementServer();
        var accepting = server.AcceptAsync(Ct);
        var log = new RecordingLogger<OpenVpnManagementClient>(output);
        var client = await OpenVpnManagementClient.ConnectAsync(server.SocketPath, log, options, time, Ct);
        await accepting;
        return (server, client, log);
    }

    [Fact]
    public async Task SendAsync_TwoCommandsAtOnce_SecondIsSentOnlyAfterTheFirstReply()
    {
        var (server, client, _) = await ConnectAsync();
        await using var _s = server;
        await using var _c = client;

        var first = client.SendAsync(ManagementCommands.ClientKill(1), Ct);
        var second = client.SendAsync(ManagementCommands.ClientKill(2), Ct);

        Assert.Equal("client-kill 1", await server.ReadLineAsync(Ct));
        Assert.True(await server.SendsNothingFor(TimeSpan.FromMilliseconds(300), Ct), "the second command waits for the first reply");
        await server.WriteAsync("SUCCESS: one\r\n", Ct);
        Assert.Equal(new CommandReply(true, "one"), await first);
        Assert.Equal("client-kill 2", await server.ReadLineAsync(Ct));
        await server.WriteAsync("ERROR: two\r\n", Ct);
        Assert.Equal(new CommandReply(false, "two"), await second);
    }

    [Fact]
    public async Task SendAsync_WaitCancelled_LateReplyIsNotGivenToTheNextCommand()
    {
        var (server, client, _) = await ConnectAsync();
        await using var _s = server;
        await using var _c = client;
        using var cancel = new CancellationTokenSource();

        var abandoned = client.SendAsync(ManagementCommands.ClientKill(1), cancel.Token);
        Assert.Equal("client-kill 1", await server.ReadLineAsync(Ct));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        var next = client.SendAsync(ManagementCommands.ClientKill(2), Ct);
        Assert.True(await server.SendsNothingFor(TimeSpan.FromMilliseconds(300), Ct), "the next command waits for the abandoned one's reply");
        await server.WriteAsync("SUCCESS: for the first\r\n", Ct);
        Assert.Equal("client-kill 2", await server.ReadLineAsync(Ct));
        await server.WriteAsync("SUCCESS: for the second\r\n", Ct);

        Assert.Equal("for the second", (await next).Message);
    }

    [Fact]
    public async Task SendAsync_NoReply_TimesOutByTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        var (server, client, _) = await ConnectAsync(new OpenVpnManagementOptions { CommandTimeout = TimeSpan.FromSeconds(5) }, time);
        await using var _s = server;
        await using var _c = client;

        var sending = client.SendAsync(ManagementCommands.ClientKill(1), Ct);
        Assert.Equal("client-kill 1", await server.ReadLineAsync(Ct));
        // The wait may start its timer a moment after the command is on the socket: advance until it fires.
        for (var i = 0; i < 100 && !sending.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(6));
            await Task.Delay(20, Ct);
        }

        await Assert.ThrowsAsync<TimeoutException>(() => sending);
    }

    [Fact]
    public async Task DisposeAsync_CommandWaiting_FailsItCompletesEventsAndIsIdempotent()
    {
        var (server, client, _) = await ConnectAsync();
        await using var _s = server;

        var sending = client.SendAsync(ManagementCommands.ClientKill(1), Ct);
        Assert.Equal("client-kill 1", await server.ReadLineAsync(Ct));
        await client.DisposeAsync();
        await client.DisposeAsync();

        await Assert.ThrowsAsync<ManagementConnectionException>(() => sending);
        Assert.True(client.Completion.IsCompleted);
        Assert.True(client.Events.Completion.IsCompleted);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SendAsync(ManagementCommands.ClientKill(2), Ct));
    }

    [Fact]
    public async Task Completion_OpenVpnClosesTheSocket_EndsAndLaterCommandsFail()
    {
        var (server, client, log) = await ConnectAsync();
        await using var _s = server;
        await using var _c = client;

        server.CloseConnection();
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        await Assert.ThrowsAsync<ManagementConnectionException>(() => client.SendAsync(ManagementCommands.ClientKill(1), Ct));
        Assert.Contains("closed by openvpn", log.All);
    }

    [Fact]
    public async Task Events_LoginWithOversizedLine_BlockRefusedAndNoSecretLogged()
    {
        var (server, client, log) = await ConnectAsync(new OpenVpnManagementOptions { Limits = new ManagementLimits { MaxLineLength = 1024 } });
        await using var _s = server;
        await using var _c = client;
        var secret = StaticChallenge.Encode("hunter2-secret", "135791");

        await server.WriteAsync(
            ">CLIENT:CONNECT,3,0\r\n>CLIENT:ENV,username=bob\r\n>CLIENT:ENV,password=" + secret + "\r\n>CLIENT:ENV,END\r\n"
            + ">CLIENT:CONNECT,4,0\r\n>CLIENT:ENV,password=" + secret + new string('x', 100_000) + "\r\n>CLIENT:ENV,END\r\n"
            + ">CLIENT:DISCONNECT,3\r\n>CLIENT:ENV,bytes_received=10\r\n>CLIENT:ENV,bytes_sent=20\r\n>CLIENT:ENV,END\r\n", Ct);

        var connect = Assert.IsType<ClientConnect>(await client.Events.ReadAsync(Ct));
        Assert.Equal(secret, connect.Environment.Password);
        var refused = Assert.IsType<ClientNotificationRefused>(await client.Events.ReadAsync(Ct));
        Assert.Equal((4ul, (ulong?)0ul), (refused.ClientId, refused.KeyId));
        var disconnect = Assert.IsType<ClientDisconnect>(await client.Events.ReadAsync(Ct));
        Assert.Equal((10ul, 20ul), (disconnect.BytesReceived, disconnect.BytesSent));
        Assert.DoesNotContain(secret, log.All);
        Assert.DoesNotContain("hunter2", log.All);
        Assert.Contains("connects as bob", log.All);
    }

    [Fact]
    public async Task SendAsync_Status_RepliesWithTheLinesAndTheNextCommandGetsItsOwnReply()
    {
        var (server, client, _) = await ConnectAsync();
        await using var _s = server;
        await using var _c = client;

        var status = client.SendAsync(ManagementCommands.Status(), Ct);
        Assert.Equal("status 3", await server.ReadLineAsync(Ct));
        await server.WriteAsync("TITLE\tOpenVPN 2.6.14\r\n>CLIENT:ESTABLISHED,4\r\n>CLIENT:ENV,common_name=bob\r\n>CLIENT:ENV,END\r\n"
            + "CLIENT_LIST\tUNDEF\t198.51.100.101:41823\t192.168.43.2\t\t20345\t18790\tx\t1\talice\t4\t0\tAES-256-GCM\r\nEND\r\n", Ct);
        var reply = await status;
        var kill = client.SendAsync(ManagementCommands.ClientKill(4), Ct);
        Assert.Equal("client-kill 4", await server.ReadLineAsync(Ct));
        await server.WriteAsync("SUCCESS: client-kill command succeeded\r\n", Ct);

        Assert.Equal(2, reply.Lines!.Count);
        Assert.Equal(new ClientTraffic(4, 20345, 18790), OpenVpnStatus.ClientTraffic(reply.Lines).Values.Single());
        Assert.Equal(4ul, Assert.IsType<ClientEstablished>(await client.Events.ReadAsync(Ct)).ClientId);
        Assert.Equal(new CommandReply(true, "client-kill command succeeded"), await kill);
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsManagementConnectionException()
    {
        var path = Path.Combine(Path.GetTempPath(), "ovt-none-" + Guid.NewGuid().ToString("N")[..8] + ".sock");

        await Assert.ThrowsAsync<ManagementConnectionException>(() => OpenVpnManagementClient.ConnectAsync(path, null, null, null, Ct));
    }
}
