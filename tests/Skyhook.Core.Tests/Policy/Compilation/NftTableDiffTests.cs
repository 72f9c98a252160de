using System.Net;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Core.Tests.Policy.Compilation;

/// <summary>
/// Incremental changes: when only elements differ, the diff names exactly the elements that go and
/// come, and applying it to the old table's elements gives the new table's; anything else is the
/// full replacement, and no difference is nothing to apply.
/// </summary>
public sealed class NftTableDiffTests
{
    private static readonly IPAddress Alice = IPAddress.Parse("10.8.0.2");

    [Fact]
    public void RenderChange_NothingApplied_FullReplacement()
    {
        var next = PolicyCompiler.Compile(Input());

        Assert.Equal(NftJson.Render(next), NftJson.RenderChange(null, next));
        Assert.True(NftTableDiff.Between(null, next).ReplacesTable);
    }

    [Fact]
    public void RenderChange_SameInputCompiledAgain_Nothing()
    {
        var applied = PolicyCompiler.Compile(Input());
        var next = PolicyCompiler.Compile(Input());

        Assert.Null(NftJson.RenderChange(applied, next));
        Assert.True(NftTableDiff.Between(applied, next).IsEmpty);
    }

    [Fact]
    public void Between_SameElementsInAnotherOrder_Nothing()
    {
        var applied = PolicyCompiler.Compile(Input());
        var next = applied with
        {
            Sets = [.. applied.Sets.Select(s => s with { Elements = [.. s.Elements.Reverse()] })],
            Maps = [.. applied.Maps.Select(m => m with { Elements = [.. m.Elements.Reverse()] })],
        };

        Assert.True(NftTableDiff.Between(applied, next).IsEmpty);
    }

    public static TheoryData<string> StructuralChanges() => ["profile added", "base policy changed", "interface added", "profile removed"];

    [Theory]
    [MemberData(nameof(StructuralChanges))]
    public void RenderChange_StructureDiffers_FullReplacement(string change)
    {
        var applied = PolicyCompiler.Compile(Input());
        var input = Input();
        input = change switch
        {
            "profile added" => input with { Profiles = [.. input.Profiles, Profile("carol", BasePolicy.DenyAll)] },
            "base policy changed" => input with { Profiles = [Profile("alice", BasePolicy.AllowAll, "deny container web1 tcp 80"), input.Profiles[1]] },
            "interface added" => input with { VpnInterfaces = ["tun*", "wg*"] },
            _ => input with { Profiles = [input.Profiles[0]], Sessions = [.. input.Sessions.Where(s => s.ProfileName == "alice")] },
        };
        var next = PolicyCompiler.Compile(input);

        Assert.True(NftTableDiff.Between(applied, next).ReplacesTable);
        Assert.Equal(NftJson.Render(next), NftJson.RenderChange(applied, next));
    }

    [Fact]
    public void Between_ContainerLeavesAMergedRange_DeletesTheExactOldInterval()
    {
        // api.1 and api.2 sit side by side: one element covers both addresses. When api.2 goes, the
        // kernel only deletes that element by its exact bounds; the remaining address comes back alone.
        var applied = PolicyCompiler.Compile(Input());
        var input = Input();
        var next = PolicyCompiler.Compile(input with { Endpoints = [.. input.Endpoints.Where(e => e.Facts.Container != "api.2")] });

        var diff = NftTableDiff.Between(applied, next);

        var alice = diff.Sets.Single(s => s.Set.Name == NftNames.PortsSet(NftNames.ProfileChain("alice"), ipv6: false));
        Assert.Equal([Element(Range("10.0.0.20", "10.0.0.21"), 6, (8000, 8100))], alice.Removed);
        Assert.Equal([Element(Range("10.0.0.20", "10.0.0.20"), 6, (8000, 8100))], alice.Added);
        // bob denies the payments team: his sets held the same range and split the same way.
        Assert.Equal(
            [NftNames.PortsSet(NftNames.ProfileChain("bob"), ipv6: false), NftNames.ProtocolsSet(NftNames.ProfileChain("bob"), ipv6: false)],
            diff.Sets.Where(s => s != alice).Select(s => s.Set.Name));
        Assert.Empty(diff.Maps);
    }

    [Fact]
    public void Between_SessionMovesToAnotherProfile_OldEntryRemovedNewAdded()
    {
        var applied = PolicyCompiler.Compile(Input());
        var next = PolicyCompiler.Compile(Input() with { Sessions = [new SessionBinding(Alice, "bob"), new SessionBinding(IPAddress.Parse("10.8.0.3"), "bob")] });

        var diff = NftTableDiff.Between(applied, next);

        Assert.Empty(diff.Sets);
        var change = Assert.Single(diff.Maps);
        Assert.Equal(NftNames.ProfileChain("alice"), Assert.Single(change.Removed).Verdict.Target);
        Assert.Equal(NftNames.ProfileChain("bob"), Assert.Single(change.Added).Verdict.Target);
    }

    [Fact]
    public void Render_ElementDiff_DeletesBeforeAdds()
    {
        var applied = PolicyCompiler.Compile(Input());
        var next = PolicyCompiler.Compile(Input() with
        {
            Sessions = [new SessionBinding(Alice, "bob"), new SessionBinding(IPAddress.Parse("10.8.0.3"), "bob")],
            Endpoints = [.. Input().Endpoints.Where(e => e.Facts.Container != "api.2")],
        });

        using var json = System.Text.Json.JsonDocument.Parse(NftJson.Render(NftTableDiff.Between(applied, next)));

        var commands = json.RootElement.GetProperty("nftables").EnumerateArray().Select(c => c.EnumerateObject().Single().Name).ToArray();
        // Three sets and the session map change, each with a delete and an add.
        Assert.Equal([.. Enumerable.Repeat("delete", 4), .. Enumerable.Repeat("add", 4)], commands);
    }

    [Theory]
    [MemberData(nameof(PolicyCompilerPropertyTests.Seeds), MemberType = typeof(PolicyCompilerPropertyTests))]
    public void Between_RandomChanges_ApplyingTheDiffGivesTheNextElements(int seed)
    {
        var random = new Random(seed);
        var (changed, reshaped) = (0, 0);
        for (var round = 0; round < 200; round++)
        {
            var applied = RandomInput(random);
            // Mostly a few changes at once, as discovery and the controller send them; sometimes everything differs.
            var next = round % 4 == 3 ? Redraw(random, applied) : Mutate(random, applied);
            var (appliedTable, nextTable) = (PolicyCompiler.Compile(applied), PolicyCompiler.Compile(next));

            var diff = NftTableDiff.Between(appliedTable, nextTable);

            Assert.False(diff.ReplacesTable, $"seed {seed} round {round}: the same profiles should need elements only");
            AssertApplyingGivesNext(appliedTable, nextTable, diff, $"seed {seed} round {round}");
            changed += diff.IsEmpty ? 0 : 1;
            // A set that both loses and gains elements: bounds that changed in place, ranges split or joined.
            reshaped += diff.Sets.Any(s => s.Removed.Count > 0 && s.Added.Count > 0) ? 1 : 0;
        }

        // Not a property of the code: a guard against the generator drifting into changes that change nothing.
        Assert.True(changed > 100 && reshaped > 10, $"{changed} of 200 rounds changed elements, {reshaped} reshaped a set");
    }

    /// <summary>
    /// Applies the diff as the kernel would: each deleted element must be there with exactly its
    /// bounds, each added one must not; what is left must be the next table's elements. And it is
    /// minimal: nothing deleted is still wanted, nothing added was already there.
    /// </summary>
    private static void AssertApplyingGivesNext(NftTable applied, NftTable next, NftTableDiff diff, string context)
    {
        for (var i = 0; i < next.Sets.Count; i++)
        {
            var name = next.Sets[i].Name;
            var elements = new HashSet<NftSetElement>(applied.Sets[i].Elements);
            var wanted = new HashSet<NftSetElement>(next.Sets[i].Elements);
            var change = diff.Sets.SingleOrDefault(s => s.Set.Name == name);
            foreach (var element in change?.Removed ?? [])
            {
                Assert.True(elements.Remove(element), $"{context}: {name} deletes an element it does not hold");
                Assert.False(wanted.Contains(element), $"{context}: {name} deletes an element it still wants");
            }

            foreach (var element in change?.Added ?? [])
            {
                Assert.True(elements.Add(element), $"{context}: {name} adds an element it already holds");
            }

            Assert.True(elements.SetEquals(wanted), $"{context}: {name} does not hold the next table's elements after the diff");
        }

        for (var i = 0; i < next.Maps.Count; i++)
        {
            var name = next.Maps[i].Name;
            var entries = applied.Maps[i].Elements.ToDictionary(e => e.Key, e => e.Verdict);
            var change = diff.Maps.SingleOrDefault(m => m.Map.Name == name);
            foreach (var element in change?.Removed ?? [])
            {
                Assert.True(entries.Remove(element.Key, out var verdict) && verdict == element.Verdict, $"{context}: {name} deletes an entry it does not hold");
                Assert.DoesNotContain(element, next.Maps[i].Elements);
            }

            foreach (var element in change?.Added ?? [])
            {
                Assert.True(entries.TryAdd(element.Key, element.Verdict), $"{context}: {name} adds a key it already holds");
            }

            Assert.Equal(next.Maps[i].Elements.ToDictionary(e => e.Key, e => e.Verdict), entries);
        }
    }

    private static PolicyCompilationInput RandomInput(Random random)
    {
        var profiles = Enumerable.Range(0, random.Next(1, 4)).Select(i => PolicyCompilerPropertyTests.RandomProfile(random, $"p{i}")).ToArray();
        var sessions = Enumerable.Range(0, random.Next(0, 5))
            .Select(i => new SessionBinding(IPAddress.Parse(i % 2 == 0 ? $"10.8.0.{i + 2}" : $"fd99::{i + 2}"), profiles[random.Next(profiles.Length)].Name))
            .ToArray();
        return new PolicyCompilationInput(profiles, sessions, PolicyCompilerPropertyTests.RandomEndpoints(random), ["tun*"]);
    }

    /// <summary>One to three of what happens between two changes: containers move, stop and start,
    /// a rule is edited, sessions start, end and change profile.</summary>
    private static PolicyCompilationInput Mutate(Random random, PolicyCompilationInput input)
    {
        var endpoints = input.Endpoints.ToList();
        var profiles = input.Profiles.ToList();
        var sessions = input.Sessions.ToList();
        for (var change = random.Next(1, 4); change > 0; change--)
        {
            switch (random.Next(6))
            {
                case 0 when endpoints.Count > 0:
                    var moving = random.Next(endpoints.Count);
                    var used = endpoints.SelectMany(e => e.Addresses).ToHashSet();
                    var free = Enumerable.Range(0, 32).Select(i => IPAddress.Parse($"10.0.{i / 16}.{i % 16}")).Where(a => !used.Contains(a)).ToArray();
                    endpoints[moving] = endpoints[moving] with { Addresses = [free[random.Next(free.Length)]] };
                    break;
                case 1 when endpoints.Count > 0:
                    endpoints.RemoveAt(random.Next(endpoints.Count));
                    break;
                case 2:
                    var started = PolicyCompilerPropertyTests.RandomEndpoints(random)[0];
                    endpoints.Add(started with { Addresses = [.. started.Addresses.Where(a => !endpoints.Any(e => e.Addresses.Contains(a)))] });
                    break;
                case 3:
                    var edited = random.Next(profiles.Count);
                    var rules = profiles[edited].Rules.ToList();
                    rules.Insert(random.Next(rules.Count + 1), PolicyCompilerPropertyTests.RandomRule(random));
                    if (rules.Count > 1 && random.Next(2) == 0)
                    {
                        rules.RemoveAt(random.Next(rules.Count));
                    }

                    profiles[edited] = new AccessProfile(profiles[edited].Name, profiles[edited].BasePolicy, rules);
                    break;
                case 4 when sessions.Count > 0 && random.Next(2) == 0:
                    sessions.RemoveAt(random.Next(sessions.Count));
                    break;
                case 4:
                    var address = IPAddress.Parse($"10.8.1.{random.Next(2, 250)}");
                    if (!sessions.Any(s => s.ClientAddress.Equals(address)))
                    {
                        sessions.Add(new SessionBinding(address, profiles[random.Next(profiles.Count)].Name));
                    }

                    break;
                case 5 when sessions.Count > 0:
                    var rebound = random.Next(sessions.Count);
                    sessions[rebound] = sessions[rebound] with { ProfileName = profiles[random.Next(profiles.Count)].Name };
                    break;
            }
        }

        return input with { Profiles = profiles, Sessions = sessions, Endpoints = endpoints };
    }

    /// <summary>Everything drawn again but the profiles' names and base policies, which make the structure.</summary>
    private static PolicyCompilationInput Redraw(Random random, PolicyCompilationInput input)
    {
        var redrawn = RandomInput(random);
        var profiles = input.Profiles.Select(p => new AccessProfile(p.Name, p.BasePolicy, PolicyCompilerPropertyTests.RandomProfile(random, p.Name).Rules)).ToArray();
        return redrawn with
        {
            Profiles = profiles,
            Sessions = [.. redrawn.Sessions.Select(s => s with { ProfileName = profiles[random.Next(profiles.Length)].Name })],
        };
    }

    private static PolicyCompilationInput Input() => new(
        [
            Profile("alice", BasePolicy.DenyAll, "allow container web1 tcp 80", "allow service api tcp 8000:8100"),
            Profile("bob", BasePolicy.AllowAll, "deny label team=payments all"),
        ],
        [new SessionBinding(Alice, "alice"), new SessionBinding(IPAddress.Parse("10.8.0.3"), "bob")],
        [
            Endpoint("10.0.0.12", "web1", null, "payments"),
            Endpoint("10.0.0.13", "web2", null, "frontend"),
            Endpoint("10.0.0.20", "api.1", "api", "payments"),
            Endpoint("10.0.0.21", "api.2", "api", "payments"),
        ],
        ["tun*"]);

    private static DiscoveredEndpoint Endpoint(string address, string container, string? service, string team) =>
        new([IPAddress.Parse(address)], new EndpointFacts(container, service, new Dictionary<string, string> { ["team"] = team }, ["multi-host-overlay"]));

    private static AccessProfile Profile(string name, BasePolicy basePolicy, params string[] rules) =>
        new(name, basePolicy, rules.Select(AccessRule.Parse).ToArray());

    private static NftRange Range(string first, string last) =>
        new(AddressValue(first), AddressValue(last));

    private static UInt128 AddressValue(string address) => Skyhook.Core.Addressing.AddressBits.FromAddress(IPAddress.Parse(address));

    private static NftSetElement Element(NftRange address, uint protocol, (uint First, uint Last) ports) =>
        new([address, NftRange.Single(protocol), new NftRange(ports.First, ports.Last)]);
}
