using System.Collections.Concurrent;
using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

/// <summary>
/// Plays the controller for the openvpn integration tests (a stand-in, not the real one): one
/// user, one password, one code; a token issued on the first login admits renegotiation and reconnect.
/// Every decision goes out through the real management client and is recorded with openvpn's reply.
/// </summary>
internal sealed class TestController
{
    public const string User = "alice";
    public const string Password = "correct horse \"battery\" \\ staple";
    public const string Code = "246810";
    public const string Token = "dGVzdC1zZXNzaW9u.c2lnbmF0dXJl-_";
    public const string DenyReason = "wrong code for \"alice\"\nclient-kill 0 \\";
    public const string ClientDenyReason = "wrong \"code\" \\ try again\nclient-kill 0";
    public static readonly Cidr PushedRoute = Cidr.Parse("10.0.0.0/16");

    private int _nextHost = 10;

    public ConcurrentQueue<ManagementEvent> Seen { get; } = new();

    public ConcurrentQueue<(ManagementEvent Event, VpnAuthRequest? Request, ManagementCommand Answer, CommandReply Reply)> Decisions { get; } = new();

    public async Task RunAsync(OpenVpnManagementClient management, CancellationToken cancellationToken)
    {
        await foreach (var item in management.Events.ReadAllAsync(cancellationToken))
        {
            Seen.Enqueue(item);
            if (item is ClientAuthentication authentication)
            {
                VpnAuthRequests.TryCreate(authentication, out var request, out _);
                var answer = Decide(authentication, request);
                var reply = await management.SendAsync(answer, cancellationToken);
                Decisions.Enqueue((item, request, answer, reply));
            }
        }
    }

    private ManagementCommand Decide(ClientAuthentication authentication, VpnAuthRequest? request)
    {
        var allowed = request is not null && request.UserName == User
            && (request.SessionToken == Token || (request.Password == Password && request.Code == Code));
        if (!allowed)
        {
            return ManagementCommands.ClientDeny(authentication.ClientId, authentication.KeyId, DenyReason, ClientDenyReason);
        }
        if (authentication is ClientReauth)
        {
            return ManagementCommands.ClientAuthNt(authentication.ClientId, authentication.KeyId);
        }
        var address = OpenVpnTestBed.ClientBlock.AddressAt((UInt128)Interlocked.Increment(ref _nextHost));
        var config = new ClientConnectConfig()
            .AssignAddress(address, OpenVpnTestBed.ClientBlock)
            .Route(PushedRoute)
            .DnsServer(OpenVpnTestBed.ServerTunnelAddress)
            .SearchDomain("apps.internal")
            .SessionToken(Token);
        return ManagementCommands.ClientAuth(authentication.ClientId, authentication.KeyId, config);
    }

    public static IPAddress AddressOf(ManagementCommand command) =>
        IPAddress.Parse(command.Text.Split('\n').Single(l => l.StartsWith("ifconfig-push ", StringComparison.Ordinal)).Split(' ')[1]);
}
