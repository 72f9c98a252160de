using System.Net;
using System.Text.Json;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Policy;

/// <summary>
/// Incremental changes applied by the real nft to a real kernel: the table goes into a network
/// namespace of this test's own, then each change goes in as the element transaction
/// <see cref="NftJson.Render(NftTableDiff, bool)"/> writes, and the kernel's listing must hold
/// exactly the next table's elements. Deleting a range from a concatenated interval set is where
/// such JSON usually breaks; every step deletes some. nft 1.0.6 deletes the range that contains a
/// value, so a delete with the wrong bounds shows up here as elements missing from the listing, not
/// as a refused transaction; Core's property test checks that the bounds are the exact ones.
/// </summary>
[Collection(KernelStateCollection.Name)]
public sealed class NftablesIncrementalTests
{
    private readonly ProcessRunner _runner = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApplyChanges_ElementTransactions_KernelHoldsTheNextTable()
    {
        Requirements.RequireNft();
        await InNamespaceAsync(async ns =>
        {
            NftTable? applied = null;
            foreach (var (step, input) in Steps())
            {
                var next = PolicyCompiler.Compile(input);
                var diff = NftTableDiff.Between(applied, next);
                Assert.Equal(applied is null, diff.ReplacesTable);
                Assert.False(diff.IsEmpty, $"{step}: the step changes nothing");
                if (applied is not null)
                {
                    Assert.Contains(diff.Sets.SelectMany(s => s.Removed), e => e.Parts.Any(p => !p.IsSingle));
                }

                await ApplyAsync(ns, NftJson.Render(diff), step);

                await AssertKernelHoldsAsync(ns, next, step);
                applied = next;
            }
        });
    }

    [Fact]
    public async Task ApplyChange_DiffFromATableTheKernelDoesNotHold_RefusedWhole()
    {
        // Why a caller must pass null as the applied table after a failed apply: the element
        // transaction names what it deletes, nft refuses all of it when one is missing, and the
        // kernel keeps the table it had.
        Requirements.RequireNft();
        var steps = Steps().Take(3).Select(s => PolicyCompiler.Compile(s.Input)).ToArray();
        await InNamespaceAsync(async ns =>
        {
            await ApplyAsync(ns, NftJson.Render(steps[0]), "first table");

            var result = await RunNftAsync(ns, NftJson.Render(NftTableDiff.Between(steps[1], steps[2])));

            Assert.False(result.Succeeded, "nft applied a diff from a table the kernel does not hold");
            // ENOENT: an element to delete is not there (not some other mistake in the JSON).
            Assert.Contains("No such file or directory", result.StandardError, StringComparison.Ordinal);
            await AssertKernelHoldsAsync(ns, steps[0], "after the refused transaction");
        });
    }

    /// <summary>
    /// A first table, then the changes the issue names and a few of each again at random: containers
    /// move (a range they shared with a neighbour splits), stop and start (ranges join), a rule is
    /// edited, sessions start, end and change profile.
    /// </summary>
    private static IEnumerable<(string Step, PolicyCompilationInput Input)> Steps()
    {
        var random = new Random(6);
        var endpoints = Enumerable.Range(0, 40).Select(i => Endpoint(i, i)).ToList();
        var profiles = new List<AccessProfile>
        {
            Profile("alice", BasePolicy.DenyAll, "allow container c3 tcp 80", "allow service s1 tcp 8000:8100", "allow label team=t2 icmp", "allow network n0 udp 53"),
            Profile("bob", BasePolicy.AllowAll, "deny label team=t0 all", "deny cidr 10.0.0.32/28 tcp 22"),
            Profile("carol", BasePolicy.DenyAll, "deny container c5 tcp", "allow service s0 tcp 1:1024,5000:5010", "allow cidr fd00::/120 all"),
        };
        var sessions = new List<SessionBinding>
        {
            new(IPAddress.Parse("10.8.0.2"), "alice"),
            new(IPAddress.Parse("10.8.0.3"), "bob"),
            new(IPAddress.Parse("fd99::2"), "carol"),
        };
        PolicyCompilationInput Input() => new([.. profiles], [.. sessions], [.. endpoints], ["tun*"]);

        yield return ("first table", Input());

        // c4 leaves 10.0.0.4 (its neighbours' ranges split) for 10.0.1.200, both families.
        endpoints[4] = Endpoint(4, 200 + 256);
        yield return ("a container moves", Input());

        profiles[0] = Profile("alice", BasePolicy.DenyAll, "allow container c3 tcp 80", "allow service s1 tcp 8000:8200", "allow label team=t2 icmp", "allow network n0 udp 53");
        yield return ("a rule is edited", Input());

        sessions.RemoveAt(1);
        sessions[0] = sessions[0] with { ProfileName = "carol" };
        sessions.Add(new SessionBinding(IPAddress.Parse("10.8.0.9"), "bob"));
        sessions.Add(new SessionBinding(IPAddress.Parse("fd99::9"), "alice"));
        // The step must also move a range: c4 comes back to where it was, its neighbours' ranges join.
        endpoints[4] = Endpoint(4, 4);
        yield return ("sessions start, end and change profile; a container returns", Input());

        for (var round = 0; round < 8; round++)
        {
            for (var change = 0; change < 3; change++)
            {
                var moving = random.Next(endpoints.Count);
                var used = endpoints.Select(e => e.Addresses[0]).ToHashSet();
                var slot = Enumerable.Range(0, 512).Where(s => !used.Contains(Address(s))).OrderBy(_ => random.Next()).First();
                endpoints[moving] = Endpoint(moving, slot);
            }

            var edited = random.Next(profiles.Count);
            var rules = profiles[edited].Rules.ToList();
            rules[random.Next(rules.Count)] = AccessRule.Parse(
                $"{(random.Next(2) == 0 ? "allow" : "deny")} service s{random.Next(4)} tcp {random.Next(1, 100)}:{random.Next(100, 9000)}");
            profiles[edited] = new AccessProfile(profiles[edited].Name, profiles[edited].BasePolicy, rules);
            yield return ($"random round {round}", Input());
        }
    }

    /// <summary>Runs <paramref name="test"/> with a network namespace of its own, removed afterwards.</summary>
    private async Task InNamespaceAsync(Func<string, Task> test)
    {
        // ovt + the run's stem: ./test.sh removes what a crashed run leaves, as for the openvpn tests.
        var stem = Environment.GetEnvironmentVariable("SKYHOOK_TEST_RUN") is { Length: > 0 and <= 5 } run && run.All(char.IsAsciiLetterOrDigit) ? run : "";
        var name = "ovt" + stem + new string(Enumerable.Range(0, 8 - stem.Length).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());
        await _runner.RunAsync("ip", ["netns", "add", name], Cancel);
        try
        {
            await test(name);
        }
        finally
        {
            await _runner.RunAsync(new ProcessSpec("ip", ["netns", "delete", name]) { CheckExitCode = false }, CancellationToken.None);
        }
    }

    private async Task ApplyAsync(string ns, string transaction, string step)
    {
        var result = await RunNftAsync(ns, transaction);

        Assert.True(result.Succeeded, $"{step}: nft refused the transaction: {result.StandardError}\n{transaction}");
    }

    private async Task<ProcessResult> RunNftAsync(string ns, string transaction)
    {
        var path = Path.Combine(Path.GetTempPath(), $"skyhook-policy-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(path, transaction, Cancel);
            return await _runner.RunAsync(new ProcessSpec("nft", ["-j", "-f", path]) { CheckExitCode = false }.InNetworkNamespace(ns), Cancel);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Every set and map of the table, with exactly its elements, read back from the kernel.</summary>
    private async Task AssertKernelHoldsAsync(string ns, NftTable table, string step)
    {
        // -n: protocols and ports as numbers, as the model has them.
        var listing = await _runner.RunAsync(new ProcessSpec("nft", ["-j", "-n", "list", "table", table.Family, table.Name]).InNetworkNamespace(ns), Cancel);
        using var json = JsonDocument.Parse(listing.StandardOutput);
        var objects = json.RootElement.GetProperty("nftables").EnumerateArray().ToArray();
        var sets = Listed(objects, "set");
        var maps = Listed(objects, "map");

        Assert.Equal(table.Sets.Select(s => s.Name).Order(StringComparer.Ordinal), sets.Keys.Order(StringComparer.Ordinal));
        foreach (var set in table.Sets)
        {
            var held = sets[set.Name].Select(e => ParseSetElement(set.KeyTypes, e)).ToHashSet();
            Assert.True(held.SetEquals(set.Elements), $"{step}: set {set.Name} holds {held.Count} elements, not the {set.Elements.Count} of the table");
        }

        Assert.Equal(table.Maps.Select(m => m.Name).Order(StringComparer.Ordinal), maps.Keys.Order(StringComparer.Ordinal));
        foreach (var map in table.Maps)
        {
            var held = maps[map.Name].Select(e => new NftMapElement(Bits(e[0].GetString()!), ParseVerdict(e[1]))).ToHashSet();
            Assert.True(held.SetEquals(map.Elements), $"{step}: map {map.Name} holds {string.Join(", ", held)}");
        }
    }

    private static Dictionary<string, JsonElement[]> Listed(JsonElement[] objects, string kind) =>
        objects.Where(o => o.TryGetProperty(kind, out _)).Select(o => o.GetProperty(kind)).ToDictionary(
            o => o.GetProperty("name").GetString()!,
            o => o.TryGetProperty("elem", out var elements) ? elements.EnumerateArray().ToArray() : []);

    private static NftSetElement ParseSetElement(IReadOnlyList<NftKeyType> types, JsonElement element) =>
        types.Count == 1
            ? new NftSetElement([ParseRange(element)])
            : new NftSetElement(element.GetProperty("concat").EnumerateArray().Select(ParseRange).ToArray());

    /// <summary>A value as nft lists it: an address or number, <c>{"range":[a,b]}</c> or <c>{"prefix":{"addr","len"}}</c>.</summary>
    private static NftRange ParseRange(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("range", out var range))
        {
            return new NftRange(ParseRange(range[0]).First, ParseRange(range[1]).Last);
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("prefix", out var prefix))
        {
            var address = IPAddress.Parse(prefix.GetProperty("addr").GetString()!);
            var hostBits = (address.GetAddressBytes().Length * 8) - prefix.GetProperty("len").GetInt32();
            var hostMask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
            return new NftRange(Bits(address.ToString()), Bits(address.ToString()) | hostMask);
        }

        return NftRange.Single(value.ValueKind == JsonValueKind.Number ? value.GetUInt32() : Bits(value.GetString()!));
    }

    private static NftVerdict ParseVerdict(JsonElement verdict)
    {
        var property = verdict.EnumerateObject().Single();
        var kind = Enum.Parse<NftVerdictKind>(property.Name, ignoreCase: true);
        return new NftVerdict(kind, property.Value.ValueKind == JsonValueKind.Object ? property.Value.GetProperty("target").GetString() : null);
    }

    /// <summary>An address as the model keeps it: the bits as an integer, IPv4 in the low 32.</summary>
    private static UInt128 Bits(string address) =>
        IPAddress.Parse(address).GetAddressBytes().Aggregate(UInt128.Zero, (bits, b) => (bits << 8) | b);

    /// <summary>
    /// Container i at slot s: 10.0.(s / 256).(s % 256) and fd00::(s). Services, teams and networks
    /// are blocks of neighbours (4, 8 and 16 containers), so that their addresses make ranges.
    /// </summary>
    private static DiscoveredEndpoint Endpoint(int i, int slot) => new(
        [Address(slot), IPAddress.Parse($"fd00::{slot:x}")],
        new EndpointFacts($"c{i}", $"s{i / 4 % 4}", new Dictionary<string, string> { ["team"] = $"t{i / 8 % 3}" }, [$"n{i / 16 % 2}"]));

    private static IPAddress Address(int slot) => IPAddress.Parse($"10.0.{slot / 256}.{slot % 256}");

    private static AccessProfile Profile(string name, BasePolicy basePolicy, params string[] rules) =>
        new(name, basePolicy, rules.Select(AccessRule.Parse).ToArray());
}
