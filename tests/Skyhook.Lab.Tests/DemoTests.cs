using System.Net;
using System.Text.Json;
using Skyhook.Lab.Controller;
using Skyhook.Lab.Demo;

namespace Skyhook.Lab.Tests;

/// <summary>
/// `skyhook lab demo` end to end on a lab of its own: a real controller, a real gateway enrolled
/// with its join command, a stock openvpn client on the desktop, and web2's page fetched through the
/// VPN from the other node; the console and the portal in a browser with the printed credentials;
/// then `skyhook lab down` leaves the host as it was found.
/// </summary>
[Collection("lab")]
public sealed partial class DemoTests(ITestOutputHelper output)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Demo_OnALab_DesktopFetchesWeb2ThroughTheVpn_ConsoleAndPortalShowIt_AgainReplacesIt_DownLeavesNothing()
    {
        Requirements.RequireDemo();
        Requirements.RequireChromium();
        var prefix = TestPrefixes.For('d');
        var before = await HostSnapshot.TakeAsync(prefix, Cancel);
        var lab = Lab.Create(new LabOptions { Prefix = prefix, Nodes = 2 });
        var port = LabController.FreePort(IPAddress.Loopback).ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await lab.UpAsync(progress: null, Cancel);

            var first = await DemoAsync(prefix, port);
            var demoEndedAtStep = OneTimeCodes.CurrentStep;
            var demo = first.RootElement.GetProperty("demo");
            var checks = first.RootElement.GetProperty("fromDesktop").EnumerateArray().ToList();
            var web2 = demo.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "web2");
            var web1 = demo.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "web1");

            // web2 runs on the last node, not on node 1 and not on the gateway host: the page crossed the overlay.
            Assert.Equal("n2", web2.GetProperty("machine").GetString());
            Assert.Equal("n1", web1.GetProperty("machine").GetString());
            Assert.Equal($"ip netns exec {prefix}-d1 curl -sS -m 5 http://{web2.GetProperty("overlayAddress").GetString()}/", checks[0].GetProperty("command").GetString());
            Assert.Equal("hello from web2", checks[0].GetProperty("output").GetString());
            // By name: the desktop's resolver is the gateway's DNS (pushed at login), web1 under the group's search domain.
            Assert.Equal($"ip netns exec {prefix}-d1 curl -sS -m 5 http://web1.{LabDemo.SearchDomain}/", checks[1].GetProperty("command").GetString());
            Assert.Equal("hello from web1", checks[1].GetProperty("output").GetString());
            Assert.All(checks, c => Assert.True(c.GetProperty("asExpected").GetBoolean(), c.GetProperty("command") + "\n" + c.GetProperty("output")));
            // One allowed request (the page above) and one the profile denies: the gateway drops it, curl times out.
            var denied = Assert.Single(checks, c => c.TryGetProperty("deniedBy", out var rule) && rule.ValueKind == System.Text.Json.JsonValueKind.String);
            Assert.Equal($"ip netns exec {prefix}-d1 curl -sS -m 3 http://{web1.GetProperty("overlayAddress").GetString()}:8080/", denied.GetProperty("command").GetString());
            Assert.Equal(28, denied.GetProperty("exitCode").GetInt32());
            Assert.Contains("Initialization Sequence Completed", demo.GetProperty("tunnelUp").GetString());

            // The desktop has no way to the overlay but the tunnel.
            var route = await lab.ExecAsync(prefix + "-d1", "ip", ["-4", "route", "get", web2.GetProperty("overlayAddress").GetString()!], Cancel);
            Assert.Contains("dev tun", route.StandardOutput);

            var status = await lab.StatusAsync(Cancel);
            Assert.Equal(new DemoStatus("http://127.0.0.1:" + port, true, true, true), status.Demo);

            await BrowseAsync(demo, demoEndedAtStep, await TunnelAddressAsync(lab, prefix + "-d1"));

            // The credentials were printed once and are nowhere on disk: no log, no leftover credentials file.
            var secrets = new[] { "admin", "user" }
                .SelectMany(who => new[] { demo.GetProperty(who).GetProperty("password").GetString()!, demo.GetProperty(who).GetProperty("totpSecret").GetString()! })
                .Append("SCRV1")
                .ToList();
            var layout = new DemoLayout(lab.Layout);
            Assert.False(File.Exists(layout.ClientCredentials));
            foreach (var file in Directory.GetFiles(layout.StateDirectory, "*", SearchOption.AllDirectories).Concat(Directory.GetFiles(layout.RunDirectory)))
            {
                if (new FileInfo(file).Length > 0 && !file.EndsWith(".sock", StringComparison.Ordinal))
                {
                    var text = File.ReadAllText(file);
                    Assert.All(secrets, secret => Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{file} holds a credential the demo printed"));
                }
            }

            // Running it again replaces the demo: new credentials, and the tunnel works again.
            var second = await DemoAsync(prefix, port);
            Assert.NotEqual(
                demo.GetProperty("user").GetProperty("password").GetString(),
                second.RootElement.GetProperty("demo").GetProperty("user").GetProperty("password").GetString());
            Assert.Equal("hello from web2", second.RootElement.GetProperty("fromDesktop")[0].GetProperty("output").GetString());
        }
        finally
        {
            var down = await SkyhookCli.RunAsync("lab", "down", "--prefix", prefix);
            output.WriteLine(down.StandardError);
            if (down.ExitCode != 0)
            {
                // Whatever the CLI could not remove, the library tries again, so the next test starts clean.
                await lab.DownAsync(progress: null, CancellationToken.None);
            }
            Assert.Equal(0, down.ExitCode);
        }

        Assert.Equal(before, await HostSnapshot.TakeAsync(prefix, Cancel));
        Assert.False((await lab.StatusAsync(Cancel)).Exists);
    }

    [Fact]
    public async Task Demo_NoLab_SaysToBringItUpAndCreatesNothing()
    {
        Requirements.RequireDemo();
        var prefix = TestPrefixes.For('e');
        var before = await HostSnapshot.TakeAsync(prefix, Cancel);

        var result = await SkyhookCli.RunAsync("lab", "demo", "--prefix", prefix, "--controller-port", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"no lab with prefix {prefix} is up: run `skyhook lab up --prefix {prefix}` first", result.StandardError);
        Assert.Equal(before, await HostSnapshot.TakeAsync(prefix, Cancel));
    }

    private async Task<JsonDocument> DemoAsync(string prefix, string port)
    {
        var result = await SkyhookCli.RunAsync("lab", "demo", "--prefix", prefix, "--controller-port", port, "--json");
        output.WriteLine(result.StandardError);
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        return JsonDocument.Parse(result.StandardOutput);
    }
}
