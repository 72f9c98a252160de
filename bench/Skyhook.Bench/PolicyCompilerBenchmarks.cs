using System.Diagnostics;
using System.Globalization;
using System.Net;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Bench;

/// <summary>
/// Issue 6: a full compile of the gateway's table (<see cref="PolicyCompiler"/>) and its rendering
/// to one nft -j transaction, for 10,000 sessions x 50 rules against 5,000 container endpoints,
/// with users sharing 100 and then 1,000 profiles. A profile for every user is not measured: with
/// this rule mix each profile resolves to about 3,400 set elements, so 10,000 distinct profiles make
/// some 34 million, beyond one string and one nft transaction (the run ran out of memory). Endpoint addresses are scattered over a /18 so that services, labels and
/// networks are many short intervals, not one range. In process, no I/O; the median of 3 runs after
/// a warm-up; memory is what the compile and render allocate, and the process's peak working set.
/// </summary>
public static class PolicyCompilerBenchmarks
{
    private const int Sessions = 10_000;
    private const int RulesPerProfile = 50;
    private const int Endpoints = 5_000;
    private const int Runs = 3;

    /// <summary>The seed of the figures in docs/BENCHMARKS.md: the same seed, the same input.</summary>
    internal const int Seed = 6;

    public static void Print()
    {
        Console.WriteLine("| scenario | compile ms | render ms | JSON MB | set elements | allocated MB | peak working set MB |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var profiles in new[] { 100, 1_000 })
        {
            var input = Input(profiles, Seed);
            Measure(input); // warm-up: JIT and the first-use costs are not the compiler's
            var runs = Enumerable.Range(0, Runs).Select(_ => Measure(input)).OrderBy(r => r.CompileMs + r.RenderMs).ToArray();
            var median = runs[Runs / 2];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {Sessions:N0} sessions, {profiles:N0} profiles x {RulesPerProfile} rules, {Endpoints:N0} endpoints | {median.CompileMs:F0} | {median.RenderMs:F0} | {median.JsonBytes / 1e6:F1} | {median.Elements:N0} | {median.AllocatedBytes / 1e6:F0} | {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} |"));
        }
    }

    private static (double CompileMs, double RenderMs, long JsonBytes, long Elements, long AllocatedBytes) Measure(PolicyCompilationInput input)
    {
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var table = PolicyCompiler.Compile(input);
        var compiled = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var json = NftJson.Render(table);
        var rendered = clock.Elapsed.TotalMilliseconds;
        var total = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        return (compiled, rendered, json.Length, table.Sets.Sum(s => (long)s.Elements.Count), total);
    }

    /// <summary>
    /// Rules in a plausible mix: mostly single containers and services, some labels, networks and
    /// cidrs; tcp with a port or a range, udp, icmp and all; four in five profiles deny-all. Also the
    /// large table of the per-packet benchmark (<see cref="PolicyPathTables"/>).
    /// </summary>
    public static PolicyCompilationInput Input(int profileCount, int seed)
    {
        var random = new Random(seed);
        var addresses = Enumerable.Range(0, 1 << 14).OrderBy(_ => random.Next()).Take(Endpoints).ToArray();
        var endpoints = addresses.Select((a, i) => new DiscoveredEndpoint(
            [IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.0.{a >> 8}.{a & 255}"))],
            new EndpointFacts(
                string.Create(CultureInfo.InvariantCulture, $"c{i}"),
                string.Create(CultureInfo.InvariantCulture, $"s{i % 250}"),
                new Dictionary<string, string> { ["team"] = string.Create(CultureInfo.InvariantCulture, $"t{i % 50}") },
                [string.Create(CultureInfo.InvariantCulture, $"n{i % 10}")]))).ToArray();
        string[] protocols = ["tcp 80", "tcp 443", "tcp 8000:8100", "tcp 22,5432", "udp 53", "udp 5000:5010", "icmp", "all"];
        var profiles = Enumerable.Range(0, profileCount).Select(p => new AccessProfile(
            string.Create(CultureInfo.InvariantCulture, $"profile-{p}"),
            random.Next(5) == 0 ? BasePolicy.AllowAll : BasePolicy.DenyAll,
            Enumerable.Range(0, RulesPerProfile).Select(_ =>
            {
                var target = random.Next(20) switch
                {
                    < 8 => string.Create(CultureInfo.InvariantCulture, $"container c{random.Next(Endpoints)}"),
                    < 12 => string.Create(CultureInfo.InvariantCulture, $"service s{random.Next(250)}"),
                    < 15 => string.Create(CultureInfo.InvariantCulture, $"label team=t{random.Next(50)}"),
                    < 17 => string.Create(CultureInfo.InvariantCulture, $"network n{random.Next(10)}"),
                    _ => string.Create(CultureInfo.InvariantCulture, $"cidr 10.0.{random.Next(64)}.0/24"),
                };
                var action = random.Next(4) == 0 ? "deny" : "allow";
                return AccessRule.Parse($"{action} {target} {protocols[random.Next(protocols.Length)]}");
            }).ToArray())).ToArray();
        var sessions = Enumerable.Range(0, Sessions).Select(i => new SessionBinding(
            IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.8.{i >> 8}.{i & 255}")),
            profiles[i % profiles.Length].Name)).ToArray();
        return new PolicyCompilationInput(profiles, sessions, endpoints, ["tun*"]);
    }
}
