using System.Text.Json;
using Skyhook.Lab.Demo;
using Skyhook.Lab.Topology;

namespace Skyhook.Lab;

public sealed partial class Lab
{
    /// <summary>Reads the lab as it is now: namespaces, their addresses, engines, the overlay and the workloads.</summary>
    public async Task<LabStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var file = LabFile.Read(Layout);
        if (file is null)
        {
            return new LabStatus(Options.Prefix, Exists: false, null, [], [], [], null, []);
        }
        var namespaces = await _network.ListNamespacesAsync(Options.Prefix, cancellationToken);
        var machines = await Task.WhenAll(namespaces.Where(n => n != Layout.LabNamespace).Select(n => ReadMachineAsync(n, cancellationToken)));
        OverlayStatus? overlay = null;
        if (await _engines.IsRunningAsync(NodeEngine(1), cancellationToken))
        {
            var inspect = await _engines.DockerAsync(NodeEngine(1), ["network", "inspect", LabLayout.OverlayName], [], checkExitCode: false, cancellationToken);
            if (inspect.Succeeded)
            {
                using var document = JsonDocument.Parse(inspect.StandardOutput);
                var network = document.RootElement[0];
                overlay = new OverlayStatus(
                    LabLayout.OverlayName,
                    network.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Subnet").GetString() ?? "",
                    network.GetProperty("Attachable").GetBoolean());
            }
        }
        string Kind(MachineStatus m) => m.Namespace[(Options.Prefix.Length + 1)..] switch
        {
            var s when s.StartsWith("gw", StringComparison.Ordinal) => "gateway",
            var s when s.StartsWith('d') => "desktop",
            _ => "node",
        };
        return new LabStatus(
            Options.Prefix,
            Exists: true,
            file.HostAddress,
            machines.Where(m => Kind(m) == "node").ToList(),
            machines.Where(m => Kind(m) == "gateway").ToList(),
            machines.Where(m => Kind(m) == "desktop").ToList(),
            overlay,
            await ReadWorkloadsAsync(cancellationToken),
            LabDemo.Status(new DemoLayout(Layout)));
    }

    private async Task<MachineStatus> ReadMachineAsync(string netns, CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync(new Linux.ProcessSpec(_tools.Ip, ["-n", netns, "-j", "-4", "addr", "show"]) { CheckExitCode = false }, cancellationToken);
        var addresses = new List<string>();
        if (result.Succeeded)
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            addresses.AddRange(document.RootElement.EnumerateArray()
                .Where(link => link.GetProperty("ifname").GetString() is "eth0" or "eth1")
                .SelectMany(link => link.GetProperty("addr_info").EnumerateArray())
                .Select(a => a.GetProperty("local").GetString() + "/" + a.GetProperty("prefixlen").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        EngineStatus? engine = null;
        if (HasEngine(netns))
        {
            var layout = Layout.Engine(netns);
            var running = await _engines.IsRunningAsync(layout, cancellationToken);
            var state = running ? await SwarmStateAsync(layout, cancellationToken) : null;
            var manager = running && (await _engines.DockerAsync(layout, ["info", "--format", "{{.Swarm.ControlAvailable}}"], [], checkExitCode: false, cancellationToken))
                .StandardOutput.Trim() == "true";
            engine = new EngineStatus(running, state, manager, layout.Socket);
        }
        return new MachineStatus(netns[(Options.Prefix.Length + 1)..], netns, addresses, engine);
    }
}
