using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Skyhook.Core.Addressing;
using Skyhook.Core.Identity;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Vpn;
using Skyhook.Gateway.Vpn.OpenVpn;
using Skyhook.Lab.Controller;

namespace Skyhook.Gateway.Tests.Vpn.Login;

/// <summary>
/// The REAL controller goes away: the established session keeps carrying traffic, a new login is
/// refused with "controller unreachable, try again", and a gateway restarted meanwhile comes up from
/// its cached desired state (openvpn running, same revision) without the controller.
/// </summary>
[Collection(KernelStateCollection.Name)]
public sealed class ControllerAwayTests(ITestOutputHelper output)
{
    private const string UserPassword = "bob's long password 4242";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ControllerStopped_SessionsKeepWorkingNewLoginsRefusedRestartServesCache()
    {
        Requirements.RequireOpenVpn();
        var ct = TestContext.Current.CancellationToken;
        var directory = System.IO.Directory.CreateTempSubdirectory("skyhook-gw-").FullName;
        var dataDirectory = Path.Combine(directory, "data");
        var logs = new TestLogs(output);
        Microsoft.Extensions.Hosting.IHost? gateway = null;
        var controller = await LabController.StartAsync(IPAddress.Loopback, new Dictionary<string, string> { ["Gateways__LongPollTimeout"] = "00:00:10" }, ct);
        var controllerRunning = true;
        await using var namespaces = await NamespacePair.CreateAsync(directory, output, ct);
        try
        {
            string clientBlock;
            byte[] secret;
            using (var admin = await LabAdmin.CreateAsync(controller, ct))
            {
                await admin.PostAsync("/api/v1/profiles", new { name = "dev", basePolicy = "allow-all", rules = Array.Empty<object>() }, ct);
                await admin.PostAsync("/api/v1/groups", new { name = "lab" }, ct);
                var added = await admin.PostAsync("/api/v1/groups/lab/gateways", new { name = "gw1", publicEndpoint = NamespacePair.ServerUnderlay }, ct);
                clientBlock = added.GetProperty("gateway").GetProperty("clientBlock").GetString()!;
                var words = added.GetProperty("joinCommand").GetString()!.Split(' ');
                Assert.Equal(0, await JoinCommand.RunAsync([.. words[2..], "--data-dir", dataDirectory], TextWriter.Null, TextWriter.Null, ct));
                await admin.PostAsync("/api/v1/users", new { name = "bob", email = "bob@example.com", profile = "dev", password = UserPassword }, ct);
                var mfa = await admin.PostAsync("/api/v1/users/bob/mfa", new { }, ct);
                secret = Base32.Decode(mfa.GetProperty("secret").GetString()!);
                await admin.PostAsync("/api/v1/users/bob/mfa/confirm", new { code = new Totp(TimeProvider.System).Compute(secret, new Totp(TimeProvider.System).GetCurrentTimeStep()) }, ct);
            }

            gateway = GatewayEndToEndTests.BuildGateway(dataDirectory, namespaces, logs);
            await gateway.StartAsync(ct);
            var status = gateway.Services.GetRequiredService<SyncStatus>();
            await Eventually.True(() => status.Applied is not null, "a desired state applied", Wait, ct);
            var revision = status.Applied!.Revision;
            var files = new GatewayFiles(dataDirectory);
            var profile = GatewayEndToEndTests.Profile(File.ReadAllText(files.CaCertificate)).Replace("alice", "bob", StringComparison.Ordinal);
            var totp = new Totp(TimeProvider.System);
            namespaces.StartClient("bob", profile, "bob", StaticChallenge.Encode(UserPassword, totp.Compute(secret, totp.GetCurrentTimeStep() + 1)));
            var sessions = gateway.Services.GetRequiredService<VpnSessions>();
            await Eventually.Get(() => sessions.Snapshot().FirstOrDefault(s => s.Established), "bob's session established", Wait, ct);
            var gatewayTunnel = Cidr.Parse(clientBlock).AddressAt(1).ToString();
            await Eventually.True(async () => (await namespaces.InClientAsync(["ping", "-c", "1", "-W", "2", gatewayTunnel], ct)).Succeeded, "bob pings through the tunnel", Wait, ct);

            // The controller goes away.
            controllerRunning = false;
            await controller.DisposeAsync();

            // The session keeps carrying traffic.
            Assert.True((await namespaces.InClientAsync(["ping", "-c", "3", "-W", "2", gatewayTunnel], ct)).Succeeded, "the established session stopped working without the controller");
            // A new login is refused with a reason that says what to do.
            var second = namespaces.StartClient("later", profile, "bob", StaticChallenge.Encode(UserPassword, "123456"));
            await Eventually.True(() => namespaces.ClientLog("later").Contains("AUTH_FAILED", StringComparison.Ordinal), "the new login refused", Wait, ct);
            Assert.Contains(logs.Lines, l => l.Contains(" 4331 ", StringComparison.Ordinal) && l.Contains(VpnLogins.ControllerUnreachable, StringComparison.Ordinal));
            Assert.Equal(1, sessions.Count);
            await second.DisposeAsync();

            // Restarted without a controller: up from the cache, openvpn running, same revision.
            await gateway.StopAsync(ct);
            gateway.Dispose();
            gateway = GatewayEndToEndTests.BuildGateway(dataDirectory, namespaces, logs);
            await gateway.StartAsync(ct);
            var restarted = gateway.Services.GetRequiredService<SyncStatus>();
            await Eventually.True(() => restarted.Applied is not null, "the cached state applied after the restart", Wait, ct);
            Assert.Equal(revision, restarted.Applied!.Revision);
            Assert.NotNull(gateway.Services.GetRequiredService<OpenVpnReconciler>().ChildId);
            Assert.Contains(logs.Lines, l => l.Contains(" 4010 ", StringComparison.Ordinal) && l.Contains("from the cache", StringComparison.Ordinal));
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.StopAsync(CancellationToken.None);
                gateway.Dispose();
            }
            // LabController.DisposeAsync cannot be called twice.
            if (controllerRunning)
            {
                await controller.DisposeAsync();
            }
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }
}
