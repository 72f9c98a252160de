using System.Diagnostics;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>
/// Issue 7 end to end: the gateway's DNS service, as a laptop uses it. The desktop's stock openvpn
/// client takes the pushed nameserver and search domain (through the lab desktop's DNS hook, as a
/// network manager would), and `getent`, `dig` and `curl` on the desktop resolve container, service
/// and <c>tasks.</c> names, bare and under the search domain. Other names are forwarded to the
/// group's nameserver: a real dnsmasq on the landing VPC's bridge (172.31.0.1).
/// </summary>
public sealed partial class LabVpnTests
{
    private const string SearchDomain = "apps.internal";
    private const string Upstream = "172.31.0.1";
    private const string ExternalName = "www.ext.example";
    private const string ExternalAddress = "198.18.0.77";
    private const string BigName = "big.ext.example";
    private const int BigAnswers = 80;

    [Fact]
    public async Task Dns_ContainerServiceTasksAndAliasNames_ResolveOnTheDesktop_WithAndWithoutTheSearchDomain()
    {
        await using var upstream = await StartUpstreamAsync();
        await bed.UpdateGroupAsync(DnsGroupBody(), Ct);
        var alias = "shop-" + Overlay.OverlayLabFixture.Stem;
        var aliased = "dnsalias-" + Overlay.OverlayLabFixture.Stem;
        Assert.True((await bed.Lab.DockerAsync(2,
            ["run", "-d", "--name", aliased, "--hostname", aliased, "--network", "multi-host-overlay", "--network-alias", alias, "skyhook-lab/busybox:1", "/serve"], Ct)).Succeeded);
        try
        {
            await ConnectNewUserAsync(1, "dora", "dev");
            var gateway = GatewayDnsAddress();
            var resolv = await Eventually.Get(
                () => File.ReadAllText(bed.Desktops[0].ResolvConf) is var text && text.Contains("nameserver " + gateway, StringComparison.Ordinal) ? text : null,
                "the desktop's resolv.conf names the gateway's DNS", Wait, Ct);
            Assert.Contains("search " + SearchDomain, resolv, StringComparison.Ordinal);

            var api = await ApiTaskAddressesAsync();
            var aliasAddress = await ContainerAddressAsync(2, aliased);
            foreach (var (name, expected) in new (string, string[])[]
            {
                ("web1", [lab.Web1]),
                ("web1." + SearchDomain, [lab.Web1]),
                ("WEB2." + SearchDomain.ToUpperInvariant(), [lab.Web2]),
                ("api", api),
                ("api." + SearchDomain, api),
                ("tasks.api", api),
                ("tasks.api." + SearchDomain, api),
                (alias + "." + SearchDomain, [aliasAddress]),
            })
            {
                var found = await Eventually.Get(async () => await GetentAsync(name) is { Count: > 0 } addresses ? addresses : null, $"getent hosts {name}", Wait, Ct);
                Assert.Equal(expected.Order(), found.Order());
            }

            // Through the browser's way in: curl by name, and the same answers with dig over UDP and TCP.
            Assert.Equal("hello from web1", await bed.CurlAsync(1, $"http://web1.{SearchDomain}/", Ct));
            Assert.Equal("hello from web2", await bed.CurlAsync(1, "http://web2:8080/", Ct));
            Assert.Equal([lab.Web2], await DigAsync("web2." + SearchDomain));
            Assert.Equal([lab.Web2], await DigAsync("web2." + SearchDomain, "+tcp"));
            Assert.Empty(await DigAsync("web2." + SearchDomain, "AAAA"));
            // A name under the search domain that is no container's is the upstream's to answer (the
            // domain may be a real one with hosts of its own): here, dnsmasq's NXDOMAIN.
            Assert.Contains("status: NXDOMAIN", await DigTextAsync("nosuch." + SearchDomain), StringComparison.Ordinal);

            // Every query is an event with user, name, type and answer.
            Assert.NotNull(bed.Gateway.Find(DateTimeOffset.UtcNow.AddMinutes(-5), "DNS dora (", $"web1.{SearchDomain} A: NoError from Container {lab.Web1}"));
        }
        finally
        {
            await bed.Lab.DockerAsync(bed.Lab.NodeEngine(2), ["rm", "-f", aliased], checkExitCode: false, CancellationToken.None);
            await bed.UpdateGroupAsync(LabVpnBed.GroupBody(), Ct);
        }
    }

    [Fact]
    public async Task Dns_ExternalNames_ForwardedAndCached_LargeAnswerTruncatedOverUdpWholeOverTcp_UpstreamGoneServfailFast()
    {
        await using (var upstream = await StartUpstreamAsync())
        {
            await bed.UpdateGroupAsync(DnsGroupBody(), Ct);
            await ConnectNewUserAsync(2, "dirk", "dev");
            await Eventually.True(() => File.ReadAllText(bed.Desktops[1].ResolvConf).Contains("nameserver", StringComparison.Ordinal), "dirk's resolver set", Wait, Ct);

            Assert.Equal([ExternalAddress], await DigAsync(ExternalName, 2));
            Assert.Equal([ExternalAddress], await GetentAsync(ExternalName, 2));

            // More than 512 bytes: truncated over UDP (dig without the TCP retry shows the flag), whole over TCP.
            var udp = await DigTextAsync(BigName, 2, "+ignore", "+noedns");
            Assert.Matches(@"flags: qr[a-z ]* tc", udp);
            Assert.True(udp.Length < 2000, "a truncated UDP answer carries no records");
            Assert.Equal(BigAnswers, (await DigAsync(BigName, 2, "+noedns")).Count);

            // The upstream goes away: a cached name is still answered, a new one fails fast.
            await upstream.DisposeAsync();
            Assert.Equal([ExternalAddress], await DigAsync(ExternalName, 2));
        }
        var clock = Stopwatch.StartNew();
        var failed = await DigTextAsync("new.ext.example", 2, "+timeout=5");
        output.WriteLine($"SERVFAIL after {clock.ElapsedMilliseconds} ms");
        Assert.Contains("status: SERVFAIL", failed, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3.5), $"SERVFAIL took {clock.ElapsedMilliseconds} ms");
        await bed.UpdateGroupAsync(LabVpnBed.GroupBody(), Ct);
    }

    [Fact]
    public async Task Dns_NameTheProfileCannotReach_NxdomainForHana_ResolvesForHugo_AndForHanaWhenHidingIsOff()
    {
        await bed.UpdateGroupAsync(DnsGroupBody(), Ct);
        try
        {
            await CreateProfileAsync("dns-narrow", "deny-all", Rule("allow", "container web1", "tcp", "80"));
            await ConnectNewUserAsync(1, "hana", "dns-narrow");
            await ConnectNewUserAsync(2, "hugo", "dev");

            Assert.Equal([lab.Web1], await DigAsync("web1." + SearchDomain, 1));
            foreach (var hidden in new[] { "web2", "api", "tasks.api" })
            {
                Assert.Contains("status: NXDOMAIN", await DigTextAsync($"{hidden}.{SearchDomain}", 1), StringComparison.Ordinal);
            }
            Assert.Equal([lab.Web2], await DigAsync("web2." + SearchDomain, 2));

            // The group turns hiding off: hana sees every name (and still reaches only web1:80).
            await bed.UpdateGroupAsync(DnsGroupBody(hideUnreachableNames: false), Ct);
            await Eventually.True(async () => (await DigAsync("web2." + SearchDomain, 1)).SequenceEqual([lab.Web2]), "web2 resolves for hana", Wait, Ct);
            Assert.Equal(Reach.Dropped, await ReachAsync(1, lab.Web2, 80));
        }
        finally
        {
            await bed.UpdateGroupAsync(LabVpnBed.GroupBody(), Ct);
        }
    }

    [Fact]
    public async Task Dns_ContainerMovesToANewAddress_NameFollowsWithinASecond()
    {
        await bed.UpdateGroupAsync(DnsGroupBody(), Ct);
        var name = "dnsmover-" + Overlay.OverlayLabFixture.Stem;
        try
        {
            await RunServerAsync(1, name);
            var first = await ContainerAddressAsync(1, name);
            await ConnectNewUserAsync(3, "mona", "dev");
            await Eventually.True(async () => (await DigAsync($"{name}.{SearchDomain}", 3)).SequenceEqual([first]), $"{name} resolves to {first}", Wait, Ct);

            // Gone from node 1, started on node 2; the old address is held by a placeholder, so the new one differs.
            await bed.Lab.DockerAsync(1, ["rm", "-f", name], Ct);
            await RunServerAsync(1, name + "-placeholder", first);
            await RunServerAsync(2, name);
            var moved = Stopwatch.StartNew();
            var second = await ContainerAddressAsync(2, name);
            Assert.NotEqual(first, second);
            await Eventually.True(async () => (await DigAsync($"{name}.{SearchDomain}", 3)).SequenceEqual([second]), $"{name} resolves to {second}", Wait, Ct);
            output.WriteLine($"the name followed the container {moved.ElapsedMilliseconds} ms after it was up");
            Assert.True(moved.Elapsed < TimeSpan.FromSeconds(1), $"the name followed after {moved.ElapsedMilliseconds} ms");
            Assert.Equal($"hello from {name}", await bed.CurlAsync(3, $"http://{name}.{SearchDomain}/", Ct));
        }
        finally
        {
            await bed.Lab.DockerAsync(bed.Lab.NodeEngine(1), ["rm", "-f", name, name + "-placeholder"], checkExitCode: false, CancellationToken.None);
            await bed.Lab.DockerAsync(bed.Lab.NodeEngine(2), ["rm", "-f", name], checkExitCode: false, CancellationToken.None);
            await bed.UpdateGroupAsync(LabVpnBed.GroupBody(), Ct);
        }
    }

    private static object DnsGroupBody(bool hideUnreachableNames = true) =>
        LabVpnBed.GroupBody(searchDomains: [SearchDomain], nameservers: [Upstream], hideUnreachableNames: hideUnreachableNames);

    /// <summary>The gateway's own tunnel address: the first of its client block.</summary>
    private string GatewayDnsAddress() => bed.ClientBlock.Split('/')[0][..^1] + "1";

    /// <summary>
    /// The group's nameserver: dnsmasq in the lab namespace on the landing VPC's bridge, with one
    /// external name and one with <see cref="BigAnswers"/> addresses (more than 512 bytes); it owns
    /// both domains, so other names in them are NXDOMAIN.
    /// </summary>
    private async Task<ChildProcess> StartUpstreamAsync()
    {
        var hosts = Path.Combine(bed.Directory, "upstream.hosts");
        await File.WriteAllLinesAsync(hosts,
            [$"{ExternalAddress} {ExternalName}", .. Enumerable.Range(1, BigAnswers).Select(i => $"198.18.1.{i} {BigName}")], Ct);
        var dnsmasq = ChildProcess.Start("nsenter",
        [
            "--net=/run/netns/" + lab.Lab.Layout.LabNamespace, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            "--user=root", "--pid-file=", "--bind-interfaces", "--listen-address=" + Upstream, "--port=53", "--addn-hosts=" + hosts, "--local-ttl=300",
            "--local=/ext.example/", "--local=/" + SearchDomain + "/",
        ]);
        await Eventually.True(async () => (await bed.OnGatewayHostAsync(["dig", "+short", "+time=1", "+tries=1", "@" + Upstream, ExternalName], Ct)).StandardOutput.Trim() == ExternalAddress,
            "the upstream dnsmasq answers", Wait, Ct);
        return dnsmasq;
    }

    private async Task<List<string>> GetentAsync(string name, int desktop = 1)
    {
        var result = await bed.OnDesktopAsync(desktop, ["getent", "ahostsv4", name], Ct);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])
            .Distinct()
            .ToList();
    }

    /// <summary>The addresses `dig +short` prints, through the desktop's resolv.conf (the gateway).</summary>
    private async Task<List<string>> DigAsync(string name, params string[] options) => await DigAsync(name, 1, options);

    private async Task<List<string>> DigAsync(string name, int desktop, params string[] options)
    {
        var type = options.Contains("AAAA") ? [] : new[] { "A" };
        var result = await bed.OnDesktopAsync(desktop, ["dig", "+short", "+time=2", "+tries=1", .. type, .. options, name], Ct);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private async Task<string> DigTextAsync(string name, params string[] options) => await DigTextAsync(name, 1, options);

    private async Task<string> DigTextAsync(string name, int desktop, params string[] options) =>
        (await bed.OnDesktopAsync(desktop, ["dig", "+time=2", "+tries=1", .. options, name], Ct)).StandardOutput;

    private async Task<string[]> ApiTaskAddressesAsync()
    {
        var addresses = new List<string>();
        foreach (var node in new[] { 1, 2 })
        {
            var tasks = await bed.Lab.DockerAsync(node, ["ps", "-q", "--filter", "label=com.docker.swarm.service.name=api"], Ct);
            foreach (var id in tasks.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                addresses.Add(await ContainerAddressAsync(node, id));
            }
        }
        return [.. addresses];
    }
}
