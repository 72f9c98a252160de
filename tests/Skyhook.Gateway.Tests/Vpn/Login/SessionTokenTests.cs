using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Skyhook.Core.Addressing;
using Skyhook.Core.Identity;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Vpn;
using Skyhook.Gateway.Vpn.OpenVpn;
using Skyhook.Lab.Controller;

namespace Skyhook.Gateway.Tests.Vpn.Login;

/// <summary>
/// The session token against the REAL controller and openvpn: renegotiation (short reneg-sec) is a
/// REAUTH decided by the token, and after the gateway restarts the stock client reconnects with the
/// token instead of asking for a new one-time code.
/// </summary>
[Collection(KernelStateCollection.Name)]
public sealed class SessionTokenTests(ITestOutputHelper output)
{
    private const string UserPassword = "carol's long password 77";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task SessionToken_RenegotiationAndGatewayRestart_NoNewCode()
    {
        Requirements.RequireOpenVpn();
        var ct = TestContext.Current.CancellationToken;
        var directory = System.IO.Directory.CreateTempSubdirectory("skyhook-gw-").FullName;
        var dataDirectory = Path.Combine(directory, "data");
        var logs = new TestLogs(output);
        Microsoft.Extensions.Hosting.IHost? gateway = null;
        await using var controller = await LabController.StartAsync(IPAddress.Loopback, new Dictionary<string, string> { ["Gateways__LongPollTimeout"] = "00:00:10" }, ct);
        await using var namespaces = await NamespacePair.CreateAsync(directory, output, ct);
        try
        {
            using var admin = await LabAdmin.CreateAsync(controller, ct);
            await admin.PostAsync("/api/v1/profiles", new { name = "dev", basePolicy = "allow-all", rules = Array.Empty<object>() }, ct);
            await admin.PostAsync("/api/v1/groups", new { name = "lab" }, ct);
            var added = await admin.PostAsync("/api/v1/groups/lab/gateways", new { name = "gw1", publicEndpoint = NamespacePair.ServerUnderlay }, ct);
            var gatewayTunnel = Cidr.Parse(added.GetProperty("gateway").GetProperty("clientBlock").GetString()!).AddressAt(1).ToString();
            var words = added.GetProperty("joinCommand").GetString()!.Split(' ');
            Assert.Equal(0, await JoinCommand.RunAsync([.. words[2..], "--data-dir", dataDirectory], TextWriter.Null, TextWriter.Null, ct));
            await admin.PostAsync("/api/v1/users", new { name = "carol", email = "carol@example.com", profile = "dev", password = UserPassword }, ct);
            var secret = Base32.Decode((await admin.PostAsync("/api/v1/users/carol/mfa", new { }, ct)).GetProperty("secret").GetString()!);
            var totp = new Totp(TimeProvider.System);
            var step = totp.GetCurrentTimeStep();
            await admin.PostAsync("/api/v1/users/carol/mfa/confirm", new { code = totp.Compute(secret, step) }, ct);

            var settings = new Dictionary<string, string?> { ["Gateway:RenegotiationSeconds"] = "4" };
            gateway = GatewayEndToEndTests.BuildGateway(dataDirectory, namespaces, logs, settings);
            await gateway.StartAsync(ct);
            var profile = GatewayEndToEndTests.Profile(File.ReadAllText(new GatewayFiles(dataDirectory).CaCertificate)).Replace("alice", "carol", StringComparison.Ordinal);
            var client = namespaces.StartClient("carol", profile, "carol", StaticChallenge.Encode(UserPassword, totp.Compute(secret, step + 1)));
            var sessions = gateway.Services.GetRequiredService<VpnSessions>();
            var first = await Eventually.Get(() => sessions.Snapshot().FirstOrDefault(s => s.Established), "carol's session established", Wait, ct);

            // Renegotiation: a REAUTH decided by the token, answered client-auth-nt; the session goes on.
            await Eventually.True(() => logs.Lines.Any(l => l.Contains($"Sending client-auth-nt {first.ClientId} ", StringComparison.Ordinal)),
                "a renegotiation of carol's session admitted", Wait, ct);
            Assert.Same(first, sessions.Get(first.ClientId));
            await Eventually.True(async () => (await namespaces.InClientAsync(["ping", "-c", "1", "-W", "2", gatewayTunnel], ct)).Succeeded, "the tunnel works after renegotiation", Wait, ct);
            Assert.Same(first, sessions.Get(first.ClientId));

            // The gateway restarts (openvpn ends with an exit notification): the client comes back with its token, no code.
            await gateway.StopAsync(ct);
            gateway.Dispose();
            gateway = GatewayEndToEndTests.BuildGateway(dataDirectory, namespaces, logs, settings);
            await gateway.StartAsync(ct);
            sessions = gateway.Services.GetRequiredService<VpnSessions>();
            var again = await Eventually.Get(() => sessions.Snapshot().FirstOrDefault(s => s.Established && s.UserName == "carol"), "carol back after the gateway restart", Wait, ct);
            Assert.Equal(first.Address, again.Address);
            Assert.False(client.HasExited, "the client gave up:\n" + namespaces.ClientLog("carol"));
            await Eventually.True(async () => (await namespaces.InClientAsync(["ping", "-c", "1", "-W", "2", gatewayTunnel], ct)).Succeeded, "the tunnel works after the restart", Wait, ct);
            Assert.DoesNotContain("SCRV1", string.Join("\n", logs.Lines), StringComparison.Ordinal);
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.StopAsync(CancellationToken.None);
                gateway.Dispose();
            }
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }
}
