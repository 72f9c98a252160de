using System.CommandLine;
using System.Text.Json;
using Skyhook.Cli.Output;
using Skyhook.Lab;
using Skyhook.Linux;
using LabHost = Skyhook.Lab.Lab;

namespace Skyhook.Cli.Lab;

/// <summary>`skyhook lab up | down | status`: a multi-node Docker Swarm on this machine (logic in Skyhook.Lab).</summary>
public static class LabCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var prefix = new Option<string>("--prefix")
        {
            Description = "Starts every name the lab makes, so that labs never collide (1-8 lower-case letters or digits).",
            DefaultValueFactory = _ => LabOptions.DefaultPrefix,
        };
        var nodes = new Option<int>("--nodes")
        {
            Description = $"Swarm nodes, each a dockerd in its own network namespace ({LabOptions.MinNodes}-{LabOptions.MaxNodes}).",
            DefaultValueFactory = _ => LabOptions.DefaultNodes,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text, for scripts." };

        var up = new Command("up", "Build the lab, or finish building it (safe to run again).") { prefix, nodes };
        up.SetAction((result, cancellationToken) => RunAsync(result.GetValue(prefix)!, result.GetValue(nodes), async lab =>
        {
            await lab.UpAsync(new Progress(), cancellationToken);
            Console.Write(Render(await lab.StatusAsync(cancellationToken)));
        }));

        var down = new Command("down", "Remove every namespace, link, engine, mount and directory the lab made, and the demo's processes.") { prefix };
        down.SetAction((result, cancellationToken) => RunAsync(result.GetValue(prefix)!, LabOptions.DefaultNodes, async lab =>
        {
            await lab.DownAsync(new Progress(), cancellationToken);
            Console.WriteLine($"lab {lab.Options.Prefix} is down");
        }));

        var status = new Command("status", "List the lab's machines, addresses, overlay and workloads.") { prefix, json };
        status.SetAction((result, cancellationToken) => RunAsync(result.GetValue(prefix)!, LabOptions.DefaultNodes, async lab =>
        {
            var current = await lab.StatusAsync(cancellationToken);
            Console.Write(result.GetValue(json) ? JsonSerializer.Serialize(current, Json) + "\n" : Render(current));
        }));

        return new Command("lab", "A real multi-host Docker Swarm on this one machine, for trying and testing Skyhook.")
        {
            up, down, status, LabDemoCommand.Create(prefix, json, Json), LabCodeCommand.Create(),
        };
    }

    internal static async Task<int> RunAsync(string prefix, int nodes, Func<LabHost, Task> action)
    {
        try
        {
            await action(LabHost.Create(new LabOptions { Prefix = prefix, Nodes = nodes }));
            return 0;
        }
        catch (Exception ex) when (ex is LabException or ProcessFailedException)
        {
            await Console.Error.WriteLineAsync("skyhook: " + ex.Message);
            return 1;
        }
    }

    private static string Render(LabStatus status)
    {
        if (!status.Exists)
        {
            return $"no lab with prefix {status.Prefix}\n";
        }
        var machines = new Table("MACHINE", "NAMESPACE", "ADDRESSES", "ENGINE", "SWARM");
        foreach (var machine in status.Nodes.Concat(status.Gateways).Concat(status.Desktops))
        {
            var engine = machine.Engine;
            machines.Add(
                machine.Name,
                machine.Namespace,
                string.Join(" ", machine.Addresses),
                engine is null ? null : engine.Running ? "running" : "stopped",
                engine?.SwarmState is null ? null : engine.SwarmState + (engine.Manager ? " (manager)" : ""));
        }
        var workloads = new Table("WORKLOAD", "SERVICE", "MACHINE", "OVERLAY IP", "RUNNING", "LABELS");
        foreach (var workload in status.Workloads)
        {
            workloads.Add(
                workload.Name,
                workload.Service,
                workload.Machine,
                workload.OverlayAddress,
                workload.Running ? "yes" : "no",
                string.Join(",", workload.Labels.Where(l => !l.Key.StartsWith("com.docker.", StringComparison.Ordinal)).Select(l => $"{l.Key}={l.Value}")));
        }
        var overlay = status.Overlay is { } o ? $"overlay {o.Name} {o.Subnet}{(o.Attachable ? " (attachable)" : "")}" : "overlay: none";
        var demo = status.Demo is { } d
            ? $"\ndemo: controller {d.ControllerUrl} {Running(d.ControllerRunning)}, gateway {Running(d.GatewayRunning)}, desktop VPN client {Running(d.ClientRunning)}\n"
            : "";
        return $"lab {status.Prefix}: host link {status.HostAddress} (the host's end; the underlay reaches the host there)\n\n"
            + machines + "\n" + overlay + "\n\n" + workloads + demo;

        static string Running(bool running) => running ? "running" : "stopped";
    }

    internal sealed class Progress : IProgress<string>
    {
        public void Report(string value) => Console.Error.WriteLine("==> " + value);
    }
}
