using System.Net;
using System.Text.Json;
using Skyhook.Lab.Topology;

namespace Skyhook.Lab;

public sealed partial class Lab
{
    private const string NodeLabel = "skyhook.lab.node";

    private async Task EnsureSwarmManagerAsync(CancellationToken cancellationToken)
    {
        var manager = NodeEngine(1);
        if (await SwarmStateAsync(manager, cancellationToken) != "active")
        {
            var address = LabLayout.NodeAddress(1).ToString();
            await _engines.DockerAsync(
                manager,
                [
                    "swarm", "init", "--advertise-addr", address, "--listen-addr", address + ":2377",
                    "--default-addr-pool", LabLayout.SwarmAddressPool, "--default-addr-pool-mask-length", "24",
                ],
                cancellationToken);
        }
        await LabelNodeAsync(manager, "n1", cancellationToken);
    }

    /// <summary>Joins an engine to the lab's swarm as a worker and labels its node with <paramref name="machine"/>.</summary>
    private async Task EnsureSwarmMemberAsync(EngineLayout engine, IPAddress address, string machine, CancellationToken cancellationToken)
    {
        if (await SwarmStateAsync(engine, cancellationToken) != "active")
        {
            var token = (await DockerAsync(1, ["swarm", "join-token", "-q", "worker"], cancellationToken)).StandardOutput.Trim();
            await _engines.DockerAsync(
                engine,
                [
                    "swarm", "join", "--token", token, "--advertise-addr", address.ToString(), "--listen-addr", address + ":2377",
                    LabLayout.NodeAddress(1) + ":2377",
                ],
                secrets: [token],
                checkExitCode: true,
                cancellationToken);
        }
        await LabelNodeAsync(engine, machine, cancellationToken);
    }

    // Every engine here shares the host's hostname, so swarm's node names cannot tell them apart;
    // a node label can, and placement constraints use it (node.labels.skyhook.lab.node==n2).
    private async Task LabelNodeAsync(EngineLayout engine, string machine, CancellationToken cancellationToken)
    {
        var nodeId = (await _engines.DockerAsync(engine, ["info", "--format", "{{.Swarm.NodeID}}"], cancellationToken)).StandardOutput.Trim();
        await DockerAsync(1, ["node", "update", "--label-add", $"{NodeLabel}={machine}", nodeId], cancellationToken);
    }

    private async Task<string> SwarmStateAsync(EngineLayout engine, CancellationToken cancellationToken)
    {
        var result = await _engines.DockerAsync(engine, ["info", "--format", "{{.Swarm.LocalNodeState}}"], [], checkExitCode: false, cancellationToken);
        return result.Succeeded ? result.StandardOutput.Trim() : "unknown";
    }

    private async Task EnsureOverlayAsync(CancellationToken cancellationToken)
    {
        var existing = await _engines.DockerAsync(NodeEngine(1), ["network", "inspect", LabLayout.OverlayName], [], checkExitCode: false, cancellationToken);
        if (!existing.Succeeded)
        {
            await DockerAsync(
                1,
                [
                    "network", "create", "--driver", "overlay", "--attachable", "--subnet", LabLayout.OverlaySubnet,
                    "--label", "skyhook.lab=" + Options.Prefix, LabLayout.OverlayName,
                ],
                cancellationToken);
        }
    }

    private async Task EnsureWorkloadsAsync(CancellationToken cancellationToken)
    {
        var publicKey = await EnsureSshKeyAsync(cancellationToken);
        await EnsureContainerAsync(1, "web1", "payments", publicKey, cancellationToken);
        await EnsureContainerAsync(Options.Nodes, "web2", "frontend", publicKey, cancellationToken);

        var service = await _engines.DockerAsync(NodeEngine(1), ["service", "inspect", "api"], [], checkExitCode: false, cancellationToken);
        if (!service.Succeeded)
        {
            // dnsrr: this kernel has no IPVS, so service VIPs would not balance (LAB.md).
            await DockerAsync(
                1,
                [
                    "service", "create", "--detach", "--name", "api", "--replicas", "2", "--replicas-max-per-node", "1",
                    "--endpoint-mode", "dnsrr", "--network", LabLayout.OverlayName, "--no-resolve-image",
                    "--label", "team=payments", "--container-label", "team=payments",
                    "--hostname", "{{.Service.Name}}-{{.Task.Slot}}",
                    LabLayout.ImageName, "/serve",
                ],
                cancellationToken);
        }
        await Poll.UntilAsync(
            async ct =>
            {
                var workloads = await ReadWorkloadsAsync(ct);
                var api = workloads.Where(w => w.Service == "api" && w.Running && w.OverlayAddress is not null).ToList();
                return api.Select(w => w.Machine).Distinct().Count() == 2
                    && workloads.Count(w => w.Service is null && w.Running && w.OverlayAddress is not null) >= 2;
            },
            WorkloadTimeout,
            () => $"the workloads did not all run on the overlay within {WorkloadTimeout.TotalSeconds} s (web1, web2 and two api tasks on different nodes)",
            cancellationToken);
    }

    /// <summary>The lab's ssh key pair (made once); returns the public key line for authorized_keys.</summary>
    private async Task<string> EnsureSshKeyAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Layout.SshKey))
        {
            await _runner.RunAsync(_tools.DropbearKey, ["-t", "ed25519", "-f", Layout.SshKey], cancellationToken);
        }
        var output = await _runner.RunAsync(_tools.DropbearKey, ["-y", "-f", Layout.SshKey], cancellationToken);
        return output.StandardOutput.Split('\n').Single(line => line.StartsWith("ssh-ed25519 ", StringComparison.Ordinal)).Trim();
    }

    private async Task EnsureContainerAsync(int node, string name, string team, string authorizedKey, CancellationToken cancellationToken)
    {
        var state = await _engines.DockerAsync(NodeEngine(node), ["inspect", "--format", "{{.State.Running}}", name], [], checkExitCode: false, cancellationToken);
        if (state.Succeeded && state.StandardOutput.Trim() == "true")
        {
            return;
        }
        if (state.Succeeded)
        {
            await DockerAsync(node, ["start", name], cancellationToken);
            return;
        }
        await DockerAsync(
            node,
            [
                "run", "--detach", "--name", name, "--hostname", name, "--network", LabLayout.OverlayName,
                "--label", "team=" + team, "--label", "skyhook.lab=" + Options.Prefix, "--restart", "unless-stopped",
                "--env", "SKYHOOK_AUTHORIZED_KEY=" + authorizedKey,
                LabLayout.ImageName, "/serve",
            ],
            cancellationToken);
    }

    /// <summary>The containers of every engine of the lab that are on the overlay or belong to it.</summary>
    private async Task<IReadOnlyList<WorkloadStatus>> ReadWorkloadsAsync(CancellationToken cancellationToken)
    {
        var namespaces = await _network.ListNamespacesAsync(Options.Prefix, cancellationToken);
        var perMachine = await Task.WhenAll(namespaces.Where(HasEngine).Select(async netns =>
        {
            var engine = Layout.Engine(netns);
            var ids = await _engines.DockerAsync(engine, ["ps", "--all", "--quiet", "--no-trunc"], [], checkExitCode: false, cancellationToken);
            var idList = ids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!ids.Succeeded || idList.Length == 0)
            {
                return [];
            }
            var inspect = await _engines.DockerAsync(engine, ["inspect", .. idList], [], checkExitCode: false, cancellationToken);
            return inspect.Succeeded ? ParseContainers(inspect.StandardOutput, netns[(Options.Prefix.Length + 1)..]) : [];
        }));
        return perMachine.SelectMany(w => w).OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
    }

    private static List<WorkloadStatus> ParseContainers(string inspectJson, string machine)
    {
        using var document = JsonDocument.Parse(inspectJson);
        var workloads = new List<WorkloadStatus>();
        foreach (var container in document.RootElement.EnumerateArray())
        {
            var labels = container.GetProperty("Config").GetProperty("Labels") is { ValueKind: JsonValueKind.Object } labelObject
                ? labelObject.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
                : [];
            string? address = null;
            if (container.GetProperty("NetworkSettings").GetProperty("Networks").TryGetProperty(LabLayout.OverlayName, out var overlay))
            {
                address = overlay.GetProperty("IPAddress").GetString() is { Length: > 0 } ip ? ip : null;
            }
            workloads.Add(new WorkloadStatus(
                Name: container.GetProperty("Name").GetString()!.TrimStart('/'),
                Service: labels.GetValueOrDefault("com.docker.swarm.service.name"),
                Machine: machine,
                OverlayAddress: address,
                Running: container.GetProperty("State").GetProperty("Running").GetBoolean(),
                Labels: labels));
        }
        return workloads;
    }
}
