using System.Net;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Policy;

/// <summary>
/// The compiler's output is valid nftables: the real nft parses each transaction and the kernel
/// checks it (<c>nft --check</c> sends the batch and aborts it, so nothing is applied and no shared
/// state changes; these tests need no namespace of their own).
/// </summary>
public sealed class NftablesCheckTests
{
    private readonly ProcessRunner _runner = new();

    public static TheoryData<string> GoldenFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(GoldenFolder, "*.expected.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    private static string GoldenFolder => Path.Combine(AppContext.BaseDirectory, "Policy", "Golden");

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public async Task Check_GoldenOutput_AcceptedByNft(string file)
    {
        Requirements.RequireNft();

        var result = await CheckAsync(Path.Combine(GoldenFolder, file));

        Assert.True(result.Succeeded, $"nft refused {file}: {result.StandardError}");
    }

    [Fact]
    public async Task Check_LargeMixedTable_AcceptedByNft()
    {
        Requirements.RequireNft();
        var table = PolicyCompiler.Compile(LargeInput());
        var path = Path.Combine(Path.GetTempPath(), $"skyhook-policy-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(path, NftJson.Render(table), TestContext.Current.CancellationToken);

            var result = await CheckAsync(path);

            Assert.True(result.Succeeded, $"nft refused the large table: {result.StandardError}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Check_MapNamingAMissingChain_RefusedByNft()
    {
        // The control: a check that accepted anything would make the tests above worthless.
        Requirements.RequireNft();
        var table = new NftTable(
            NftNames.Family,
            NftNames.Table,
            [],
            [new NftVerdictMap(NftNames.Sessions4, NftKeyType.Ipv4Address, [new NftMapElement(0x0a080002, new NftVerdict(NftVerdictKind.Goto, "p_missing"))])],
            []);
        var path = Path.Combine(Path.GetTempPath(), $"skyhook-policy-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(path, NftJson.Render(table), TestContext.Current.CancellationToken);

            var result = await CheckAsync(path);

            Assert.False(result.Succeeded, "nft --check accepted a map that names a missing chain");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private Task<ProcessResult> CheckAsync(string path) => _runner.RunAsync(
        new ProcessSpec("nft", ["--check", "-j", "-f", path]) { CheckExitCode = false, Timeout = TimeSpan.FromSeconds(60) },
        TestContext.Current.CancellationToken);

    /// <summary>Every target kind, both families, all protocols, base policies and shadowing, with overlaps.</summary>
    private static PolicyCompilationInput LargeInput()
    {
        var random = new Random(6);
        var endpoints = Enumerable.Range(0, 300).Select(i => new DiscoveredEndpoint(
            [IPAddress.Parse($"10.0.{i / 200}.{i % 200 + 2}"), IPAddress.Parse($"fd00::{i + 2:x}")],
            new EndpointFacts($"c{i}", $"s{i % 17}", new Dictionary<string, string> { ["team"] = $"t{i % 5}" }, [$"n{i % 3}"]))).ToArray();
        string[] targets = ["container c7", "service s3", "label team=t1", "network n2", "cidr 10.0.0.0/25", "cidr 10.0.1.64/26", "cidr fd00::/120", "cidr 0.0.0.0/0"];
        string[] protocols = ["tcp 80", "tcp 22,8000:8100", "udp 53", "udp", "icmp", "all", "tcp"];
        var profiles = Enumerable.Range(0, 20).Select(p => new AccessProfile(
            $"team-{p}.v{p % 3}_x",
            p % 2 == 0 ? BasePolicy.DenyAll : BasePolicy.AllowAll,
            Enumerable.Range(0, 12).Select(_ => AccessRule.Parse(
                $"{(random.Next(3) == 0 ? "deny" : "allow")} {targets[random.Next(targets.Length)]} {protocols[random.Next(protocols.Length)]}")).ToArray())).ToArray();
        var sessions = Enumerable.Range(0, 500).Select(i => new SessionBinding(
            i % 5 == 0 ? IPAddress.Parse($"fd99::{i + 2:x}") : IPAddress.Parse($"10.8.{i / 250}.{i % 250 + 2}"),
            profiles[i % profiles.Length].Name)).ToArray();
        return new PolicyCompilationInput(profiles, sessions, endpoints, ["tun*", "skyvpn+", "wg0"]);
    }
}
