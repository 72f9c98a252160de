using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Gateway.Discovery;
using Skyhook.Gateway.Tests.Overlay;
using Skyhook.Lab.Topology;

namespace Skyhook.Gateway.Tests.Discovery;

/// <summary>
/// Discovery against the overlay lab's real engines, watched as a gateway would be configured there:
/// node 1 (the manager), node 2 and gateway host 1.
/// </summary>
[Collection(OverlayLabCollection.Name)]
public sealed class DockerDiscoveryLabTests(OverlayLabFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Discovery_LabWorkloads_NamesServicesLabelsAndOverlayAddresses()
    {
        var lab = fixture.Lab;
        using var discovery = NewDiscovery();
        await discovery.StartAsync(Cancel);
        try
        {
            var apiTasks = await ApiTasksAsync();
            var snapshot = await Eventually.Get(
                () => Complete(discovery.Current, apiTasks.Keys) ? discovery.Current : null,
                $"web1, web2 and the api tasks {string.Join(", ", apiTasks.Keys)}", Timeout, Cancel);
            output.WriteLine(Describe(snapshot.Endpoints));

            var web1 = Single(snapshot, "web1");
            Assert.Equal([IPAddress.Parse(fixture.Web1)], web1.Addresses);
            Assert.Null(web1.Facts.Service);
            Assert.Equal("payments", web1.Facts.Labels["team"]);
            Assert.Equal(lab.Layout.Prefix, web1.Facts.Labels["skyhook.lab"]);
            Assert.Equal([LabLayout.OverlayName], web1.Facts.Networks);

            var web2 = Single(snapshot, "web2");
            Assert.Equal([IPAddress.Parse(fixture.Web2)], web2.Addresses);
            Assert.Equal("frontend", web2.Facts.Labels["team"]);

            foreach (var (name, address) in apiTasks)
            {
                var task = Single(snapshot, name);
                Assert.Equal("api", task.Facts.Service);
                Assert.Equal([IPAddress.Parse(address)], task.Addresses);
                Assert.Equal("payments", task.Facts.Labels["team"]);
                Assert.DoesNotContain(task.Facts.Labels.Keys, k => k.StartsWith("com.docker.swarm.", StringComparison.Ordinal));
                Assert.Equal([LabLayout.OverlayName], task.Facts.Networks);
            }
            Assert.DoesNotContain(snapshot.Endpoints, e => e.Facts.Container?.StartsWith("skyhook-anchor-", StringComparison.Ordinal) == true);
        }
        finally
        {
            await discovery.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Discovery_ContainerRemovedAndRunAgainOnOtherNodeWithNewAddress_SnapshotFollowsWithinOneSecond()
    {
        var lab = fixture.Lab;
        var name = "disc-" + OverlayLabFixture.Stem + Random.Shared.Next(1000).ToString(CultureInfo.InvariantCulture);
        // Fixed addresses far from the lab's (10.0.0.x), so that the move is always a new address.
        var third = Random.Shared.Next(2, 250).ToString(CultureInfo.InvariantCulture);
        var (first, second) = ("10.0.250." + third, "10.0.251." + third);
        using var discovery = NewDiscovery();
        var seen = new ConcurrentQueue<(DateTimeOffset At, EndpointSnapshot Snapshot)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        await discovery.StartAsync(Cancel);
        var watcher = WatchAsync(discovery, seen, stop.Token);
        try
        {
            await Eventually.True(() => At(discovery.Current, "web1") is not null, "web1 discovered", Timeout, Cancel);
            await RunAsync(1, name, first);
            await Eventually.True(() => At(discovery.Current, name) == first, $"{name} at {first} on node 1", Timeout, Cancel);

            var removing = DateTimeOffset.UtcNow;
            await lab.DockerAsync(1, ["rm", "--force", name], Cancel);
            var removed = DateTimeOffset.UtcNow;
            var gone = await FirstAsync(seen, removing, s => At(s, name) is null, $"{name} gone from the snapshot");

            var running = DateTimeOffset.UtcNow;
            await RunAsync(2, name, second);
            var ran = DateTimeOffset.UtcNow;
            var started = DateTimeOffset.Parse(
                (await lab.DockerAsync(2, ["inspect", "--format", "{{.State.StartedAt}}", name], Cancel)).StandardOutput.Trim(), CultureInfo.InvariantCulture);
            var moved = await FirstAsync(seen, running, s => At(s, name) == second, $"{name} at {second} on node 2");

            var afterStart = moved - started;
            // The engine's destroy event may reach the snapshot before the docker client returns.
            output.WriteLine($"removal: `docker rm -f` took {(removed - removing).TotalMilliseconds:0} ms; the snapshot lost {name} "
                + $"{(gone - removing).TotalMilliseconds:0} ms after it was issued ({(gone - removed).TotalMilliseconds:0} ms after it returned)");
            output.WriteLine($"new start: `docker run` took {(ran - running).TotalMilliseconds:0} ms; the snapshot had {second} {afterStart.TotalMilliseconds:0} ms after the container started "
                + $"({(moved - ran).TotalMilliseconds:0} ms after `docker run` returned)");
            Assert.DoesNotContain(discovery.Current.Endpoints, e => e.Addresses.Contains(IPAddress.Parse(first)));
            Assert.True(gone - removed < TimeSpan.FromSeconds(2), $"the removal took {(gone - removed).TotalMilliseconds:0} ms to reach the snapshot");
            Assert.True(afterStart < TimeSpan.FromSeconds(2), $"the new start took {afterStart.TotalMilliseconds:0} ms to reach the snapshot");
        }
        finally
        {
            await stop.CancelAsync();
            await watcher;
            await discovery.StopAsync(CancellationToken.None);
            foreach (var node in new[] { 1, 2 })
            {
                await lab.DockerAsync(lab.NodeEngine(node), ["rm", "--force", name], checkExitCode: false, CancellationToken.None);
            }
        }
    }

    private DockerDiscovery NewDiscovery()
    {
        var lab = fixture.Lab;
        var options = new DiscoveryOptions
        {
            DockerEndpoints = [lab.NodeEngine(1).Host, lab.NodeEngine(2).Host, fixture.Gateway.Engine.Host],
        };
        return new DockerDiscovery(Options.Create(options), new RecordingLogger<DockerDiscovery>(output), TimeProvider.System);
    }

    private async Task RunAsync(int node, string name, string address) =>
        await fixture.Lab.DockerAsync(node,
        [
            "run", "--detach", "--name", name, "--network", LabLayout.OverlayName, "--ip", address,
            "--label", "skyhook.test=discovery", LabLayout.ImageName, "/serve",
        ], Cancel);

    /// <summary>The api service's containers on both nodes (name to overlay address), as the engines show them.</summary>
    private async Task<Dictionary<string, string>> ApiTasksAsync()
    {
        var tasks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in new[] { 1, 2 })
        {
            var names = (await fixture.Lab.DockerAsync(node, ["ps", "--filter", "label=com.docker.swarm.service.name=api", "--format", "{{.Names}}"], Cancel))
                .StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var name in names)
            {
                tasks[name] = (await fixture.Lab.DockerAsync(node, ["inspect", "--format", $"{{{{(index .NetworkSettings.Networks \"{LabLayout.OverlayName}\").IPAddress}}}}", name], Cancel))
                    .StandardOutput.Trim();
            }
        }
        Assert.Equal(2, tasks.Count);
        return tasks;
    }

    private static bool Complete(EndpointSnapshot snapshot, IEnumerable<string> apiTasks) =>
        new[] { "web1", "web2" }.Concat(apiTasks).All(n => snapshot.Endpoints.Any(e => e.Facts.Container == n));

    private static DiscoveredEndpoint Single(EndpointSnapshot snapshot, string container) =>
        Assert.Single(snapshot.Endpoints, e => e.Facts.Container == container);

    private static string? At(EndpointSnapshot snapshot, string container) =>
        snapshot.Endpoints.FirstOrDefault(e => e.Facts.Container == container)?.Addresses.FirstOrDefault()?.ToString();

    private static string Describe(IEnumerable<DiscoveredEndpoint> endpoints) =>
        string.Join("\n", endpoints.Select(e =>
            $"{e.Facts.Container} [{string.Join(",", e.Addresses)}] service={e.Facts.Service} {string.Join(",", e.Facts.Labels.Select(l => l.Key + "=" + l.Value))} on {string.Join(",", e.Facts.Networks)}"));

    /// <summary>Notes the time each new snapshot was seen, so that latencies are measured from the snapshot, not from a poll.</summary>
    private static async Task WatchAsync(DockerDiscovery discovery, ConcurrentQueue<(DateTimeOffset, EndpointSnapshot)> seen, CancellationToken cancellationToken)
    {
        var version = discovery.Current.Version;
        try
        {
            while (true)
            {
                var snapshot = await discovery.WaitForChangeAsync(version, cancellationToken);
                seen.Enqueue((DateTimeOffset.UtcNow, snapshot));
                version = snapshot.Version;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>When the first snapshot seen at or after <paramref name="since"/> that satisfies <paramref name="check"/> arrived.</summary>
    private static async Task<DateTimeOffset> FirstAsync(
        ConcurrentQueue<(DateTimeOffset At, EndpointSnapshot Snapshot)> seen, DateTimeOffset since, Func<EndpointSnapshot, bool> check, string expected)
    {
        var match = await Eventually.Get(
            () => seen.FirstOrDefault(s => s.At >= since && check(s.Snapshot)) is { Snapshot: not null } found ? new[] { found.At } : null,
            expected, Timeout, Cancel);
        return match[0];
    }
}
