using Skyhook.Core.Vpn;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

/// <summary>
/// The management client, the SCRV1 decoding, the command escaping and the rendered server config
/// against real openvpn 2.6: a server and a client in network namespaces, this test as the controller.
/// </summary>
[Collection(KernelStateCollection.Name)]
public sealed class RealOpenVpnTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static (ManagementEvent Event, Skyhook.Core.Contracts.VpnAuthRequest? Request, ManagementCommand Answer, CommandReply Reply)[]? FirstDecision(
        TestController controller, ChildProcess client, OpenVpnTestBed bed, string label)
    {
        if (controller.Decisions.TryPeek(out var decision))
        {
            return [decision];
        }
        // A client that gave up before logging in will not log in later: fail now, with its reason.
        Assert.False(client.HasExited, "the openvpn client exited before logging in:\n" + bed.ClientLog(label));
        return null;
    }

    [Theory]
    [InlineData(VpnTransport.Udp)]
    [InlineData(VpnTransport.Tcp)]
    public async Task ClientAuth_CorrectPasswordAndCode_TunnelCarriesTrafficUntilKilled(VpnTransport transport)
    {
        Requirements.RequireOpenVpn();
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await OpenVpnTestBed.StartAsync(output, s => s with { Transport = transport }, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var controller = new TestController();
        var controlling = controller.RunAsync(bed.Management, stop.Token);
        try
        {
            var client = bed.StartClient("alice", TestController.User, StaticChallenge.Encode(TestController.Password, TestController.Code));

            // The login: decoded from SCRV1, admitted with an address, a route, DNS and a token.
            var first = await Eventually.Get(() => FirstDecision(controller, client, bed, "alice"),
                "a CONNECT decided", Wait, ct);
            var (login, request, answer, reply) = first[0];
            Assert.IsType<ClientConnect>(login);
            Assert.NotNull(request);
            Assert.Equal((TestController.Password, TestController.Code, (string?)null), (request.Password, request.Code, request.SessionToken));
            Assert.Equal(OpenVpnTestBed.ClientUnderlay, request.PublicAddress);
            Assert.StartsWith("2.6", request.ClientVersion);
            Assert.True(reply.Success, reply.Message);
            var cid = ((ClientConnect)login).ClientId;
            var address = TestController.AddressOf(answer);

            await Eventually.True(() => controller.Seen.OfType<ClientEstablished>().Any(e => e.ClientId == cid),
                "CLIENT:ESTABLISHED for the login", Wait, ct);
            await Eventually.True(async () => (await bed.InClientAsync(["ip", "-4", "address", "show", "dev", "tun0"], ct)).StandardOutput.Contains($"inet {address}/24"),
                $"the client's tun0 has the pushed address {address}/24", Wait, ct);
            var routes = await bed.InClientAsync(["ip", "-4", "route", "show", "dev", "tun0"], ct);
            Assert.Contains($"{TestController.PushedRoute} via {OpenVpnTestBed.ServerTunnelAddress}", routes.StandardOutput);
            await Eventually.True(async () => (await bed.InClientAsync(["ping", "-c", "1", "-W", "2", OpenVpnTestBed.ServerTunnelAddress.ToString()], ct)).Succeeded,
                "a ping from the client to the server's tunnel address answers", Wait, ct);

            // client-kill ends the session; the stock client reconnects with the pushed token, no code.
            var kill = await bed.Management.SendAsync(ManagementCommands.ClientKill(cid), ct);
            Assert.True(kill.Success, kill.Message);
            var disconnect = await Eventually.Get(() => controller.Seen.OfType<ClientDisconnect>().FirstOrDefault(e => e.ClientId == cid),
                "CLIENT:DISCONNECT after client-kill", Wait, ct);
            Assert.True(disconnect.BytesReceived > 0 && disconnect.BytesSent > 0, $"bytes {disconnect.BytesReceived}/{disconnect.BytesSent}");
            var again = await Eventually.Get(() => controller.Decisions.Select(d => d.Event).OfType<ClientConnect>().FirstOrDefault(e => e.ClientId != cid),
                "the client reconnects after client-kill", Wait, ct);
            var second = controller.Decisions.Single(d => d.Event == again);
            Assert.Equal((TestController.Token, (string?)null), (second.Request?.SessionToken, second.Request?.Code));
            Assert.True(second.Reply.Success, second.Reply.Message);
            await Eventually.True(() => controller.Seen.OfType<ClientEstablished>().Any(e => e.ClientId == again.ClientId),
                "CLIENT:ESTABLISHED for the reconnect", Wait, ct);

            // HALT: the session ends and the client stops instead of reconnecting.
            var halt = await bed.Management.SendAsync(ManagementCommands.ClientHalt(again.ClientId), ct);
            Assert.True(halt.Success, halt.Message);
            Assert.True(await client.WaitForExitAsync(Wait, ct), "the client exits after client-kill HALT:\n" + bed.ClientLog("alice"));
            await Eventually.True(() => controller.Seen.OfType<ClientDisconnect>().Any(e => e.ClientId == again.ClientId),
                "CLIENT:DISCONNECT after HALT", Wait, ct);

            // Nothing secret reached a log line.
            Assert.DoesNotContain(TestController.Token, bed.ManagementLog.All);
            Assert.DoesNotContain("SCRV1", bed.ManagementLog.All);
            Assert.DoesNotContain("horse", bed.ManagementLog.All);
        }
        catch
        {
            output.WriteLine("--- server log ---\n" + bed.ServerLog + "\n--- client log ---\n" + bed.ClientLog("alice"));
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await controlling.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task ClientReauth_ServerRenegotiates_ArrivesWithTheSessionTokenAsPassword()
    {
        Requirements.RequireOpenVpn();
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await OpenVpnTestBed.StartAsync(output, s => s with { RenegotiationInterval = TimeSpan.FromSeconds(4) }, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var controller = new TestController();
        var controlling = controller.RunAsync(bed.Management, stop.Token);
        try
        {
            var client = bed.StartClient("renegotiating", TestController.User, StaticChallenge.Encode(TestController.Password, TestController.Code));
            await Eventually.Get(() => FirstDecision(controller, client, bed, "renegotiating"), "a CONNECT decided", Wait, ct);

            var reauth = await Eventually.Get(() => controller.Decisions.FirstOrDefault(d => d.Event is ClientReauth) is { Event: not null } d ? new[] { d } : null,
                "a REAUTH after reneg-sec", Wait, ct);

            Assert.Equal((TestController.Token, (string?)null, (string?)null), (reauth[0].Request?.SessionToken, reauth[0].Request?.Password, reauth[0].Request?.Code));
            Assert.StartsWith("client-auth-nt ", reauth[0].Answer.Text);
            Assert.True(reauth[0].Reply.Success, reauth[0].Reply.Message);
            Assert.Equal(((ClientReauth)reauth[0].Event).ClientId, controller.Seen.OfType<ClientConnect>().Single().ClientId);
            await Eventually.True(async () => (await bed.InClientAsync(["ping", "-c", "1", "-W", "2", OpenVpnTestBed.ServerTunnelAddress.ToString()], ct)).Succeeded,
                "the tunnel still carries traffic after renegotiation", Wait, ct);
            Assert.DoesNotContain(controller.Seen, e => e is ClientDisconnect);
        }
        catch
        {
            output.WriteLine("--- server log ---\n" + bed.ServerLog + "\n--- client log ---\n" + bed.ClientLog("renegotiating"));
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await controlling.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task ClientDeny_WrongCode_ClientGetsAuthFailedWithTheQuotedReason()
    {
        Requirements.RequireOpenVpn();
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await OpenVpnTestBed.StartAsync(output, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var controller = new TestController();
        var controlling = controller.RunAsync(bed.Management, stop.Token);
        try
        {
            var client = bed.StartClient("mallory", TestController.User, StaticChallenge.Encode(TestController.Password, "000000"));

            var decision = await Eventually.Get(() => FirstDecision(controller, client, bed, "mallory"),
                "a CONNECT decided", Wait, ct);
            Assert.StartsWith("client-deny ", decision[0].Answer.Text);
            // openvpn's own lexer took the hostile reasons as two parameters of one command.
            Assert.True(decision[0].Reply.Success, decision[0].Reply.Message);
            Assert.True(await client.WaitForExitAsync(Wait, ct), "the client gives up after AUTH_FAILED");
            var clientLog = bed.ClientLog("mallory");
            Assert.Contains("AUTH_FAILED," + ManagementQuoting.Clean(TestController.ClientDenyReason), clientLog);
            Assert.Contains(ManagementQuoting.Clean(TestController.DenyReason), bed.ServerLog);
            Assert.DoesNotContain(controller.Seen, e => e is ClientEstablished);
            // The "client-kill 0" inside the reason was text, not a command: only one reply came.
            Assert.Single(controller.Decisions);
            Assert.DoesNotContain("reply came with no command", bed.ManagementLog.All);
        }
        catch
        {
            output.WriteLine("--- server log ---\n" + bed.ServerLog + "\n--- client log ---\n" + bed.ClientLog("mallory"));
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await controlling.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
