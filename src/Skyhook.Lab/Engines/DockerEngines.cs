using System.Globalization;
using Skyhook.Lab.Processes;
using Skyhook.Lab.Topology;
using Skyhook.Linux;

namespace Skyhook.Lab.Engines;

/// <summary>
/// Starts, drives and stops the lab's dockerd engines, each in its own network namespace with its
/// own data root, exec root, socket, containerd namespace and cgroup parent.
/// </summary>
public sealed class DockerEngines(HostTools tools, ProcessRunner runner)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Runs the docker client against one lab engine.</summary>
    public Task<ProcessResult> DockerAsync(EngineLayout engine, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        DockerAsync(engine, arguments, secrets: [], checkExitCode: true, cancellationToken);

    public Task<ProcessResult> DockerAsync(
        EngineLayout engine, IReadOnlyList<string> arguments, IReadOnlyList<string> secrets, bool checkExitCode, CancellationToken cancellationToken) =>
        runner.RunAsync(
            new ProcessSpec(tools.Docker, ["-H", engine.Host, .. arguments])
            {
                // The host user's client configuration (contexts, credential helpers) stays out of the lab.
                Environment = new Dictionary<string, string> { ["DOCKER_CONFIG"] = Path.Combine(engine.DataRoot, "client") },
                Secrets = secrets,
                CheckExitCode = checkExitCode,
                Timeout = TimeSpan.FromSeconds(120),
            },
            cancellationToken);

    public async Task<bool> IsRunningAsync(EngineLayout engine, CancellationToken cancellationToken)
    {
        if (!File.Exists(engine.Socket))
        {
            return false;
        }
        var result = await DockerAsync(engine, ["version", "--format", "{{.Server.Version}}"], [], checkExitCode: false, cancellationToken);
        return result.Succeeded;
    }

    /// <summary>Starts the engine unless it already answers; waits until it does.</summary>
    public async Task StartAsync(EngineLayout engine, CancellationToken cancellationToken)
    {
        if (await IsRunningAsync(engine, cancellationToken))
        {
            return;
        }
        Directory.CreateDirectory(engine.DataRoot);
        Directory.CreateDirectory(engine.ExecRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(engine.Socket)!);
        if (!File.Exists(engine.ConfigFile))
        {
            // An empty configuration of the lab's own: the host's /etc/docker/daemon.json must not apply.
            await File.WriteAllTextAsync(engine.ConfigFile, "{}\n", cancellationToken);
        }

        // nsenter --net, not `ip netns exec`: the latter remounts /sys and dockerd then fails with
        // "Devices cgroup isn't mounted" (LAB.md). Detached so the engine outlives `skyhook lab up`.
        await new Daemon(
            tools.Nsenter,
            [
                "--net=/run/netns/" + engine.Namespace, tools.Dockerd,
                "--config-file", engine.ConfigFile,
                "--data-root", engine.DataRoot,
                "--exec-root", engine.ExecRoot,
                "--pidfile", engine.PidFile,
                "-H", engine.Host,
                "--containerd-namespace", engine.ContainerdNamespace,
                "--containerd-plugins-namespace", engine.ContainerdNamespace + "-p",
                "--cgroup-parent", engine.CgroupParent,
                "--shutdown-timeout", "2",
                "--log-level", "warn",
            ],
            engine.PidFile,
            engine.LogFile) { PidFileWrittenByProgram = true }.StartAsync(tools, runner, cancellationToken);

        await Poll.UntilAsync(
            ct => IsRunningAsync(engine, ct),
            StartTimeout,
            () => $"dockerd in namespace {engine.Namespace} did not answer on {engine.Socket} within "
                + $"{StartTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; its log ends with: {Daemon.LogTail(engine.LogFile)}",
            cancellationToken);
    }

    /// <summary>
    /// Stops the engine and everything it started: containers (by cgroup), containerd and shims (by
    /// namespace), and its mounts. Safe to call on an engine that is already gone.
    /// </summary>
    public async Task StopAsync(EngineLayout engine, CancellationToken cancellationToken)
    {
        await Daemon.StopAsync(engine.PidFile, engine.PidFile, StopTimeout, cancellationToken);
        await HostCleanup.KillCgroupAsync(engine.CgroupParent, cancellationToken);
        await HostCleanup.KillNamespaceProcessesAsync(runner, tools.Ip, engine.Namespace, cancellationToken);
        await HostCleanup.UnmountUnderAsync(runner, tools.Umount, [engine.DataRoot, engine.ExecRoot], cancellationToken);
    }
}
