using System.Diagnostics;
using System.Globalization;
using System.Net;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Linux;

namespace Skyhook.Bench;

/// <summary>
/// Issue 6: one change to the gateway's table at 10,000 sessions x 50 rules x 5,000 endpoints (100
/// profiles), against the full build in the same run. A change is what the gateway will do: compile
/// the next table whole (<see cref="PolicyCompiler"/>), diff it against the applied one
/// (<see cref="NftTableDiff"/>) and render only the elements that differ. As root with nft, each
/// transaction is also applied in a network namespace of the benchmark's own (removed at the end),
/// after the full table: the full build's apply replaces the table, a change's adds and deletes
/// elements (and is undone, untimed, before the next run). Runs interleave the full build and the
/// changes so that a noisy neighbour weighs on both; median of 5 after a warm-up.
/// </summary>
public static class PolicyChangeBenchmarks
{
    private const int Profiles = 100;

    // More than the full build's 3: a change is small beside the neighbours' noise on a shared machine.
    private const int Runs = 5;

    public static async Task PrintAsync(CancellationToken cancellationToken)
    {
        var input = PolicyCompilerBenchmarks.Input(Profiles, seed: 6);
        var applied = PolicyCompiler.Compile(input);
        var changes = Changes(input);
        var runner = new ProcessRunner();
        var ns = Posix.IsRoot && ExecutableSearch.Find("nft") is not null
            ? "skyhook-bench-" + Guid.NewGuid().ToString("N")[..8]
            : null;
        if (ns is not null)
        {
            await runner.RunAsync("ip", ["netns", "add", ns], cancellationToken);
        }

        try
        {
            if (ns is not null)
            {
                await ApplyAsync(runner, ns, NftJson.Render(applied), cancellationToken);
            }

            var full = new List<Measurement>();
            var measured = changes.Select(_ => new List<Measurement>()).ToArray();
            for (var run = 0; run <= Runs; run++)
            {
                var fullRun = await MeasureAsync(runner, ns, null, input, cancellationToken);
                var changeRuns = new List<Measurement>();
                foreach (var change in changes)
                {
                    changeRuns.Add(await MeasureAsync(runner, ns, applied, change.Next, cancellationToken));
                }

                // Run 0 is the warm-up: JIT and first-use costs are not the diff's.
                if (run > 0)
                {
                    full.Add(fullRun);
                    for (var i = 0; i < changes.Length; i++)
                    {
                        measured[i].Add(changeRuns[i]);
                    }
                }
            }

            var baseline = Median(full);
            Console.WriteLine("| change (100 profiles) | elements deleted / added | transaction KB (x full) | compile ms | diff ms | render ms | diff + render ms (x full render) | compile + diff + render ms (x full) | allocated MB, diff + render | nft apply ms (x full) |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            Row("full build (baseline)", baseline, baseline, $"{baseline.Added:N0} added");
            for (var i = 0; i < changes.Length; i++)
            {
                var median = Median(measured[i]);
                Row(changes[i].Name, median, baseline, $"{median.Deleted:N0} / {median.Added:N0}");
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The applied table the gateway keeps to diff against: {RetainedBytes(input) / 1e6:F0} MB managed memory."));
        }
        finally
        {
            if (ns is not null)
            {
                await runner.RunAsync(new ProcessSpec("ip", ["netns", "delete", ns]) { CheckExitCode = false }, CancellationToken.None);
            }
        }
    }

    private static void Row(string name, Measurement m, Measurement full, string elements)
    {
        var total = m.CompileMs + m.DiffMs + m.RenderMs;
        var fullTotal = full.CompileMs + full.DiffMs + full.RenderMs;
        var apply = m.ApplyMs is { } ms && full.ApplyMs is { } fullMs
            ? string.Create(CultureInfo.InvariantCulture, $"{ms:F0} ({ms / fullMs:F3})")
            : "not run (needs root and nft)";
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {elements} | {m.JsonBytes / 1e3:F1} ({(double)m.JsonBytes / full.JsonBytes:F4}) | {m.CompileMs:F0} | {m.DiffMs:F1} | {m.RenderMs:F1} | {m.DiffMs + m.RenderMs:F1} ({(m.DiffMs + m.RenderMs) / (full.DiffMs + full.RenderMs):F3}) | {total:F0} ({total / fullTotal:F2}) | {m.DiffRenderAllocatedBytes / 1e6:F1} | {apply} |"));
    }

    /// <summary>The changes issue 6 names: a container moves, a rule is edited, a session starts.</summary>
    private static (string Name, PolicyCompilationInput Next)[] Changes(PolicyCompilationInput input)
    {
        // c0 moves to an address no endpoint has, in the same /18 (another node gives it a new IP).
        var used = input.Endpoints.SelectMany(e => e.Addresses).ToHashSet();
        var random = new Random(60);
        IPAddress moved;
        do
        {
            var slot = random.Next(1 << 14);
            moved = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.0.{slot >> 8}.{slot & 255}"));
        }
        while (used.Contains(moved));

        var endpoints = input.Endpoints.ToArray();
        endpoints[0] = endpoints[0] with { Addresses = [moved] };

        // The first rule of profile-0 that opens something (allow in a deny-all profile) and names a
        // service keeps its action and target and gets another port: its addresses' elements change.
        var profiles = input.Profiles.ToArray();
        var opens = profiles[0].BasePolicy == BasePolicy.DenyAll ? RuleAction.Allow : RuleAction.Deny;
        var index = profiles[0].Rules.ToList().FindIndex(r => r.Action == opens && r.Target is ServiceTarget);
        var rule = profiles[0].Rules[index];
        var edited = new AccessRule(rule.Action, rule.Target, Protocol.Tcp, [PortRange.Parse("8443")]);
        profiles[0] = new AccessProfile(profiles[0].Name, profiles[0].BasePolicy, [.. profiles[0].Rules.Select((r, i) => i == index ? edited : r)]);

        var session = new SessionBinding(IPAddress.Parse("10.8.200.1"), input.Profiles[3].Name);
        return
        [
            ($"one container moves ({endpoints[0].Facts.Container}: {input.Endpoints[0].Addresses[0]} to {moved})", input with { Endpoints = endpoints }),
            ($"one rule edited in one profile ({profiles[0].Name}: `{rule}` to `{edited}`)", input with { Profiles = profiles }),
            ("one session added", input with { Sessions = [.. input.Sessions, session] }),
        ];
    }

    /// <summary>
    /// The full build when <paramref name="applied"/> is null (compile, render the replacement),
    /// else a change: compile the next table, diff, render the elements. Applied when a namespace is given.
    /// </summary>
    private static async Task<Measurement> MeasureAsync(ProcessRunner runner, string? ns, NftTable? applied, PolicyCompilationInput next, CancellationToken cancellationToken)
    {
        GC.Collect();
        var clock = Stopwatch.StartNew();
        var table = PolicyCompiler.Compile(next);
        var compileMs = clock.Elapsed.TotalMilliseconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        var diff = NftTableDiff.Between(applied, table);
        var diffMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var json = NftJson.Render(diff);
        var renderMs = clock.Elapsed.TotalMilliseconds;
        var diffRenderAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var (deleted, added) = diff.ReplacesTable
            ? (0L, table.Sets.Sum(s => (long)s.Elements.Count) + table.Maps.Sum(m => (long)m.Elements.Count))
            : (diff.Sets.Sum(s => (long)s.Removed.Count) + diff.Maps.Sum(m => (long)m.Removed.Count), diff.Sets.Sum(s => (long)s.Added.Count) + diff.Maps.Sum(m => (long)m.Added.Count));

        double? applyMs = null;
        if (ns is not null)
        {
            applyMs = await ApplyAsync(runner, ns, json, cancellationToken);
            if (applied is not null)
            {
                // Back to the applied table for the next run; not timed.
                await ApplyAsync(runner, ns, NftJson.Render(NftTableDiff.Between(table, applied)), cancellationToken);
            }
        }

        return new Measurement(compileMs, diffMs, renderMs, json.Length, deleted, added, diffRenderAllocated, applyMs);
    }

    /// <summary>nft -j -f in the namespace; the time from start to exit, parsing and the kernel's commit.</summary>
    private static async Task<double> ApplyAsync(ProcessRunner runner, string ns, string json, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"skyhook-bench-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(path, json, cancellationToken);
            var clock = Stopwatch.StartNew();
            await runner.RunAsync(new ProcessSpec("nft", ["-j", "-f", path]) { Timeout = TimeSpan.FromMinutes(5) }.InNetworkNamespace(ns), cancellationToken);
            return clock.Elapsed.TotalMilliseconds;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static long RetainedBytes(PolicyCompilationInput input)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var table = PolicyCompiler.Compile(input);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(table);
        return after - before;
    }

    private static Measurement Median(List<Measurement> runs) =>
        runs.OrderBy(r => r.CompileMs + r.DiffMs + r.RenderMs).ElementAt(runs.Count / 2);

    private sealed record Measurement(
        double CompileMs,
        double DiffMs,
        double RenderMs,
        long JsonBytes,
        long Deleted,
        long Added,
        long DiffRenderAllocatedBytes,
        double? ApplyMs);
}
