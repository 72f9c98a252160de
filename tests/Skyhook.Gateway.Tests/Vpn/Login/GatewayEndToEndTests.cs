using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Skyhook.Core.Identity;
using Skyhook.Core.Vpn;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Vpn;
using Skyhook.Gateway.Vpn.OpenVpn;
using Skyhook.Lab.Controller;

namespace Skyhook.Gateway.Tests.Vpn.Login;

/// <summary>
/// The gateway core against the REAL controller (a skyhook-controller process on loopback) and REAL
/// openvpn: join with a join token from the API, the desired state applied and reported in
/// heartbeats, a stock openvpn client logging in with password + a TOTP code computed here, a wrong
/// code refused, and disabling the user in the API cutting the session within a second.
/// </summary>
[Collection(KernelStateCollection.Name)]
public sealed class GatewayEndToEndTests(ITestOutputHelper output)
{
    private const string UserPassword = "alice's long password 42";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Gateway_JoinSyncLoginDenyDisable_AgainstRealControllerAndOpenVpn()
    {
        Requirements.RequireOpenVpn();
        var ct = TestContext.Current.CancellationToken;
        var directory = System.IO.Directory.CreateTempSubdirectory("skyhook-gw-").FullName;
        var dataDirectory = Path.Combine(directory, "data");
        var logs = new TestLogs(output);
        IHost? gateway = null;
        await using var controller = await LabController.StartAsync(IPAddress.Loopback, new Dictionary<string, string> { ["Gateways__LongPollTimeout"] = "00:00:10" }, ct);
        await using var namespaces = await NamespacePair.CreateAsync(directory, output, ct);
        try
        {
            using var admin = await LabAdmin.CreateAsync(controller, ct);
            await admin.PostAsync("/api/v1/profiles", new { name = "dev", basePolicy = "allow-all", rules = Array.Empty<object>() }, ct);
            await admin.PostAsync("/api/v1/groups", new { name = "lab", additionalCidrs = new[] { "10.20.0.0/16" } }, ct);
            var added = await admin.PostAsync("/api/v1/groups/lab/gateways", new { name = "gw1", publicEndpoint = NamespacePair.ServerUnderlay }, ct);
            var joinCommand = added.GetProperty("joinCommand").GetString()!;
            var clientBlock = added.GetProperty("gateway").GetProperty("clientBlock").GetString()!;
            output.WriteLine("join command: " + joinCommand.Replace(added.GetProperty("joinToken").GetString()!, "***", StringComparison.Ordinal));

            // The console's command, as an operator would paste it. http://127.0.0.1 is allowed (loopback).
            var words = joinCommand.Split(' ');
            Assert.Equal(["skyhook-gateway", "join"], words[..2]);
            var (url, token, fingerprint) = (words[2], words[3], words[5]);

            // A wrong token: one clear line, nothing written.
            var error = new StringWriter();
            Assert.Equal(1, await JoinCommand.RunAsync([url, "skyhook_join_wrong", "--fingerprint", fingerprint, "--data-dir", dataDirectory], TextWriter.Null, error, ct));
            Assert.Contains("join token is not valid", error.ToString(), StringComparison.Ordinal);
            Assert.False(System.IO.Directory.Exists(dataDirectory));

            var printed = new StringWriter();
            Assert.Equal(0, await JoinCommand.RunAsync([.. words[2..], "--data-dir", dataDirectory], printed, error, ct));
            Assert.StartsWith("Enrolled as gateway 'gw1' of group 'lab'", printed.ToString(), StringComparison.Ordinal);
            var files = new GatewayFiles(dataDirectory);
            Assert.Equal(GatewayFiles.Secret, File.GetUnixFileMode(files.PrivateKey));
            Assert.Equal(GatewayFiles.Secret, File.GetUnixFileMode(files.Credential));
            Assert.Contains("BEGIN CERTIFICATE", File.ReadAllText(files.CaCertificate), StringComparison.Ordinal);
            Assert.Equal((url, fingerprint), (Enrolment.Load(files).ControllerUrl, Enrolment.Load(files).Fingerprint));
            // The token was single use.
            Assert.Equal(1, await JoinCommand.RunAsync([.. words[2..], "--data-dir", Path.Combine(directory, "again")], TextWriter.Null, TextWriter.Null, ct));

            // The gateway, hosted the way Program.cs hosts it, its openvpn in the gateway namespace.
            gateway = BuildGateway(dataDirectory, namespaces, logs);
            await gateway.StartAsync(ct);
            var sessions = gateway.Services.GetRequiredService<VpnSessions>();

            // Heartbeats: online, the group's current hash, no drift.
            var view = await Eventually.Get(async () =>
            {
                var list = await admin.GetAsync("/api/v1/gateways", ct);
                var gw = list.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "gw1");
                return gw.GetProperty("status").GetString() == "online" && gw.GetProperty("appliedRevision").ValueKind == JsonValueKind.Number
                    && gw.GetProperty("appliedHash").GetString() == gw.GetProperty("desiredHash").GetString() ? new[] { gw } : null;
            }, "gw1 online with the group's desired hash", Wait, ct);
            Assert.False(view[0].GetProperty("drift").GetBoolean());
            Assert.Equal(JsonValueKind.Null, view[0].GetProperty("applyError").ValueKind);
            Assert.Equal(0, view[0].GetProperty("sessions").GetInt32());

            // A user with a password and TOTP.
            await admin.PostAsync("/api/v1/users", new { name = "alice", email = "alice@example.com", profile = "dev", password = UserPassword }, ct);
            var mfa = await admin.PostAsync("/api/v1/users/alice/mfa", new { }, ct);
            var secret = Base32.Decode(mfa.GetProperty("secret").GetString()!);
            var totp = new Totp(TimeProvider.System);
            var step = totp.GetCurrentTimeStep();
            await admin.PostAsync("/api/v1/users/alice/mfa/confirm", new { code = totp.Compute(secret, step) }, ct);

            var profile = Profile(File.ReadAllText(files.CaCertificate));
            // A wrong code: refused, with the reason in the gateway's log and the client's AUTH_FAILED.
            var valid = Enumerable.Range(-2, 5).Select(d => totp.Compute(secret, step + d)).ToHashSet();
            var wrong = Enumerable.Range(0, 1000).Select(i => i.ToString("000000", System.Globalization.CultureInfo.InvariantCulture)).First(c => !valid.Contains(c));
            var refused = namespaces.StartClient("wrong", profile, "alice", StaticChallenge.Encode(UserPassword, wrong));
            await Eventually.True(() => logs.Lines.Any(l => l.Contains(" 4331 ", StringComparison.Ordinal) && l.Contains("alice", StringComparison.Ordinal)),
                "the wrong code denied in the gateway log", Wait, ct);
            await Eventually.True(() => namespaces.ClientLog("wrong").Contains("AUTH_FAILED", StringComparison.Ordinal), "the client told AUTH_FAILED", Wait, ct);
            Assert.Equal(0, sessions.Count);
            await refused.DisposeAsync();

            // The right password and code: admitted with the first leased address of the gateway's block.
            var client = namespaces.StartClient("alice", profile, "alice", StaticChallenge.Encode(UserPassword, totp.Compute(secret, step + 1)));
            var session = await Eventually.Get(() => sessions.Snapshot().FirstOrDefault(s => s.Established), "alice's session established", Wait, ct);
            var expected = Skyhook.Core.Addressing.Cidr.Parse(clientBlock).AddressAt(2);
            Assert.Equal(("alice", expected, "dev"), (session.UserName, session.Address, session.Profile));
            await Eventually.True(async () => (await namespaces.InClientAsync(["ip", "-4", "address", "show", "dev", "tun0"], ct)).StandardOutput.Contains($"inet {expected}/", StringComparison.Ordinal),
                $"the client's tun0 has {expected}", Wait, ct);
            var routes = await namespaces.InClientAsync(["ip", "-4", "route", "show", "dev", "tun0"], ct);
            Assert.Contains("10.20.0.0/16", routes.StandardOutput, StringComparison.Ordinal);
            await Eventually.True(async () => (await namespaces.InClientAsync(["ping", "-c", "1", "-W", "2", Skyhook.Core.Addressing.Cidr.Parse(clientBlock).AddressAt(1).ToString()], ct)).Succeeded,
                "the client pings the gateway's tunnel address", Wait, ct);
            await Eventually.True(async () => (await admin.GetAsync("/api/v1/gateways/gw1", ct)).GetProperty("sessions").GetInt32() == 1,
                "the heartbeat reports one session", Wait, ct);
            // The ping went through the tunnel: the next heartbeats carry openvpn's counters for it.
            var counted = await Eventually.Get(async () =>
            {
                var listed = (await admin.GetAsync("/api/v1/sessions?user=alice", ct)).EnumerateArray().ToArray();
                return listed is [var one] && one.GetProperty("bytesFromClient").GetInt64() > 0 && one.GetProperty("bytesToClient").GetInt64() > 0 ? new[] { one } : null;
            }, "alice's session listed with bytes from and to the client", Wait, ct);
            output.WriteLine($"alice's session: {counted[0].GetProperty("bytesFromClient").GetInt64()} bytes from, {counted[0].GetProperty("bytesToClient").GetInt64()} bytes to the client");

            // Disable alice in the API: her session is cut within a second.
            var clock = Stopwatch.StartNew();
            await admin.PostAsync("/api/v1/users/alice/disable", new { }, ct);
            await Eventually.True(() => sessions.Count == 0, "alice's session gone after disable", Wait, ct);
            var cut = clock.Elapsed;
            output.WriteLine($"session cut {cut.TotalMilliseconds:0} ms after the disable call returned");
            Assert.True(cut < TimeSpan.FromSeconds(1), $"the session was cut after {cut.TotalMilliseconds:0} ms, not within a second");
            // The tunnel no longer carries traffic.
            var ping = await namespaces.InClientAsync(["ping", "-c", "2", "-W", "1", Skyhook.Core.Addressing.Cidr.Parse(clientBlock).AddressAt(1).ToString()], ct);
            Assert.False(ping.Succeeded, "a ping through the cut tunnel still answered:\n" + ping.StandardOutput);
            await Eventually.True(async () => (await admin.GetAsync("/api/v1/gateways/gw1", ct)).GetProperty("sessions").GetInt32() == 0,
                "the heartbeat reports no session", Wait, ct);

            // No secret ever reached a log line.
            foreach (var line in logs.Lines)
            {
                Assert.DoesNotContain(UserPassword, line, StringComparison.Ordinal);
                Assert.DoesNotContain(token, line, StringComparison.Ordinal);
                Assert.DoesNotContain(File.ReadAllText(files.Credential).Trim(), line, StringComparison.Ordinal);
                Assert.DoesNotContain("SCRV1", line, StringComparison.Ordinal);
            }
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.StopAsync(CancellationToken.None);
                gateway.Dispose();
            }
            output.WriteLine("controller log (tail):\n" + string.Join('\n', controller.Log.Split('\n').TakeLast(40)));
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    internal static IHost BuildGateway(string dataDirectory, NamespacePair namespaces, TestLogs logs, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:DataDirectory"] = dataDirectory,
            ["Gateway:NetworkNamespace"] = namespaces.ServerNamespace,
            ["Gateway:ManagementSocket"] = Path.Combine(dataDirectory, "mgmt.sock"),
            ["Gateway:VpnListenAddress"] = NamespacePair.ServerUnderlay,
            ["Gateway:HeartbeatSeconds"] = "1",
            // No engine here: the overlay step has nothing to attach (these groups have no overlays).
            ["Gateway:DockerSocket"] = "unix://" + Path.Combine(dataDirectory, "no-docker.sock"),
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        Assert.True(builder.TryAddGatewayHost(out var problem), problem);
        builder.AddSync();
        builder.AddOpenVpn();
        builder.AddOverlayNetworks();
        return builder.Build();
    }

    /// <summary>The stock client profile, less its static-challenge line (see <see cref="StockOpenVpnClient.WithoutStaticChallenge"/>).</summary>
    internal static string Profile(string caPem) =>
        StockOpenVpnClient.WithoutStaticChallenge(
            OpenVpnClientProfile.Render(UserName.Parse("alice"), "lab", VpnTransport.Udp, [new VpnEndpoint(NamespacePair.ServerUnderlay, 1194)], caPem));
}
