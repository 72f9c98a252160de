using System.Diagnostics;
using System.Net;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Gateway.Policy;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Policy;

/// <summary>
/// The cutter against the real kernel: TCP connections through a gateway namespace that carries the
/// compiled table, judged and cut there, with the verdict read from the traffic itself.
/// </summary>
[Collection(KernelStateCollection.Name)]
public sealed class ConntrackCutterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static readonly AccessProfile Wide = new("wide", BasePolicy.DenyAll, [AccessRule.Parse("allow cidr 10.0.5.0/24 tcp 5000:5001")]);
    private static readonly AccessProfile Narrow = new("narrow", BasePolicy.DenyAll, [AccessRule.Parse("allow cidr 10.0.5.0/24 tcp 5001")]);

    [Fact]
    public async Task CutAsync_ProfileLosesAPort_ThatConnectionStopsWithinASecondAndTheOthersFlow()
    {
        Requirements.RequireConntrack();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var bed = await ConntrackTestBed.StartAsync(output, cancellationToken);
        var (aliceLoses, aliceKeeps, bob) = await OpenAsync(bed, ConntrackTestBed.Input([Wide, Narrow], "wide", "wide"), [(bed.Alice, 5000), (bed.Alice, 5001), (bed.Bob, 5000)], cancellationToken);

        // Alice moves to a profile without port 5000. The table alone keeps her open connection going
        // (established is accepted first): the reason the cutter exists.
        var after = ConntrackTestBed.Input([Wide, Narrow], "narrow", "wide");
        await bed.ApplyAsync(after, cancellationToken);
        Assert.True(await aliceLoses.EchoesAsync("still open", Settle, cancellationToken), "the new table alone does not stop an established connection");

        var logger = new RecordingLogger<ConntrackCutter>(output);
        var report = await CutAsync(bed, after, logger, cancellationToken);

        Assert.Equal((3, 1, 1, 0, 0, 1, null), (report.Listed, report.Denied, report.Cut, report.Failed, report.Skipped, report.Deletions, report.Problem));
        Assert.True(report.Elapsed < Second, $"the pass took {report.Elapsed.TotalMilliseconds:0} ms");
        Assert.False(await aliceLoses.EchoesAsync("after the cut", Second, cancellationToken), "alice's connection to port 5000 still carries data after the cut");
        Assert.True(await aliceKeeps.EchoesAsync("after the cut", Second, cancellationToken), "alice's connection to port 5001, still allowed, stopped");
        Assert.True(await bob.EchoesAsync("after the cut", Second, cancellationToken), "bob's connection to port 5000, still allowed, stopped");
        Assert.False(await aliceLoses.EchoesAsync("later", Second, cancellationToken), "alice's connection to port 5000 came back");
        Assert.Contains(logger.Lines, l => l.Contains(" 4600 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CutAsync_SessionEnded_EveryConnectionOfThatClientStops()
    {
        Requirements.RequireConntrack();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var bed = await ConntrackTestBed.StartAsync(output, cancellationToken);
        var (alice5000, alice5001, bob) = await OpenAsync(bed, ConntrackTestBed.Input([Wide], "wide", "wide"), [(bed.Alice, 5000), (bed.Alice, 5001), (bed.Bob, 5001)], cancellationToken);

        var after = ConntrackTestBed.Input([Wide], null, "wide");
        await bed.ApplyAsync(after, cancellationToken);
        var report = await CutAsync(bed, after, new RecordingLogger<ConntrackCutter>(output), cancellationToken);

        Assert.Equal((3, 2, 2, 0, 1), (report.Listed, report.Denied, report.Cut, report.Failed, report.Deletions));
        Assert.False(await alice5000.EchoesAsync("after the cut", Second, cancellationToken), "alice's first connection still carries data after her session ended");
        Assert.False(await alice5001.EchoesAsync("after the cut", Second, cancellationToken), "alice's second connection still carries data after her session ended");
        Assert.True(await bob.EchoesAsync("after the cut", Second, cancellationToken), "bob's connection stopped with alice's session");
    }

    [Fact]
    public async Task CutAsync_TenThousandEntries_CutsExactlyTheDeniedOnes()
    {
        // Entries inserted with conntrack -I (no traffic), the size a busy gateway host has: half of
        // them VPN clients', the rest the host's own. Reports the pass's cost in the test output.
        Requirements.RequireConntrack();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var bed = await ConntrackTestBed.StartGatewayOnlyAsync(output, cancellationToken);
        var lines = new List<string>();
        for (var i = 0; i < 5000; i++)
        {
            // 200 clients (10.8.0.10-209) with 25 connections each to 10.0.5.10-14, ports 5000-5004.
            var client = $"10.8.0.{10 + (i % 200)}";
            lines.Add($"-I -t 600 -u SEEN_REPLY,ASSURED -s {client} -d 10.0.5.{10 + (i / 200 % 5)} -p tcp --sport {20000 + i} --dport {5000 + (i / 1000)} --state ESTABLISHED");
            lines.Add($"-I -t 600 -u SEEN_REPLY,ASSURED -s 172.31.{i / 250}.{2 + (i % 250)} -d 10.0.5.10 -p tcp --sport {20000 + i} --dport 5000 --state ESTABLISHED");
        }

        await bed.InAsync(bed.Gateway, ["conntrack", "-R", "-"], cancellationToken, string.Join('\n', lines) + "\n");
        // Every client keeps its session and the wide profile, except: ten clients lose port 5000
        // (narrow), and two have no session any more.
        var wide = new AccessProfile("wide", BasePolicy.DenyAll, [AccessRule.Parse("allow cidr 10.0.5.0/24 tcp 5000:5004")]);
        var narrow = new AccessProfile("narrow", BasePolicy.DenyAll, [AccessRule.Parse("allow cidr 10.0.5.0/24 tcp 5001:5004")]);
        var sessions = new Dictionary<IPAddress, AccessProfile>();
        for (var c = 0; c < 198; c++)
        {
            sessions[IPAddress.Parse($"10.8.0.{10 + c}")] = c < 10 ? narrow : wide;
        }

        var policy = new ConntrackPolicy(sessions, new Dictionary<IPAddress, EndpointFacts>(), [ConntrackTestBed.ClientPool], ConntrackTestBed.GatewayAddresses);
        var cutter = new ConntrackCutter(new ProcessRunner(), new RecordingLogger<ConntrackCutter>(output), bed.Gateway);

        var report = await cutter.CutAsync(policy, cancellationToken);
        output.WriteLine(report.ToString());

        // Port 5000 is i in 0-999: each client has 5 of them, to five destinations (one filter each).
        Assert.Equal((5000, 10 * 5 + 2 * 25, 10 * 5 + 2 * 25, 0, 0, 10 * 5 + 2, null), (report.Listed, report.Denied, report.Cut, report.Failed, report.Skipped, report.Deletions, report.Problem));
        var left = ConntrackParser.Parse((await bed.InAsync(bed.Gateway, ["conntrack", "-L", "-o", "extended"], cancellationToken)).StandardOutput);
        Assert.Equal(10_000 - report.Cut, left.Entries.Count);
        Assert.All(left.Entries, e => Assert.True(policy.Judge(e) is ConntrackVerdict.Allowed or ConntrackVerdict.NotOurs, $"{e} was left"));

        var again = Stopwatch.StartNew();
        var second = await cutter.CutAsync(policy, cancellationToken);
        output.WriteLine($"second pass, nothing to cut: {second} ({again.ElapsedMilliseconds} ms)");
        Assert.Equal((0, 0), (second.Denied, second.Cut));
    }

    /// <summary>
    /// Applies <paramref name="before"/>, starts echo servers on 5000 and 5001, and opens three
    /// connections, each checked to carry data through the gateway.
    /// </summary>
    private static async Task<(ConntrackEchoClient, ConntrackEchoClient, ConntrackEchoClient)> OpenAsync(
        ConntrackTestBed bed,
        PolicyCompilationInput before,
        (string Client, int Port)[] connections,
        CancellationToken cancellationToken)
    {
        await bed.ApplyAsync(before, cancellationToken);
        await bed.StartEchoServerAsync(5000, cancellationToken);
        await bed.StartEchoServerAsync(5001, cancellationToken);
        var opened = connections.Select(c => bed.Connect(c.Client, c.Port)).ToArray();
        foreach (var connection in opened)
        {
            Assert.True(await connection.EchoesAsync("hello", Settle, cancellationToken), "a connection the first table allows carries data");
        }

        return (opened[0], opened[1], opened[2]);
    }

    /// <summary>One pass in the bed's gateway namespace against the table compiled from <paramref name="applied"/>.</summary>
    private async Task<ConntrackCutReport> CutAsync(ConntrackTestBed bed, PolicyCompilationInput applied, RecordingLogger<ConntrackCutter> logger, CancellationToken cancellationToken)
    {
        var report = await new ConntrackCutter(new ProcessRunner(), logger, bed.Gateway)
            .CutAsync(ConntrackPolicy.From(applied, [ConntrackTestBed.ClientPool], ConntrackTestBed.GatewayAddresses), cancellationToken);
        output.WriteLine(report.ToString());
        return report;
    }
}
