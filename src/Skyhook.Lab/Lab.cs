using System.Globalization;
using System.Net;
using Skyhook.Lab.Demo;
using Skyhook.Lab.Engines;
using Skyhook.Lab.Images;
using Skyhook.Lab.Topology;
using Skyhook.Linux;

namespace Skyhook.Lab;

/// <summary>
/// A Docker Swarm of real dockerd engines on one machine, each in its own network namespace, joined
/// by an underlay bridge (the landing VPC) with an internet bridge beside it for gateway hosts and
/// desktops. Used by `skyhook lab` and by the integration test fixtures.
/// </summary>
public sealed partial class Lab
{
    private static readonly TimeSpan WorkloadTimeout = TimeSpan.FromSeconds(90);

    private readonly HostTools _tools;
    private readonly ProcessRunner _runner;
    private readonly LabNetwork _network;
    private readonly DockerEngines _engines;
    private readonly LabImage _image;

    private Lab(LabOptions options, HostTools tools, ProcessRunner runner)
    {
        Options = options;
        Layout = new LabLayout(options.Prefix);
        _tools = tools;
        _runner = runner;
        _network = new LabNetwork(tools, runner);
        _engines = new DockerEngines(tools, runner);
        _image = new LabImage(tools, runner, _engines);
    }

    public LabOptions Options { get; }
    public LabLayout Layout { get; }

    internal HostTools Tools => _tools;
    internal ProcessRunner Runner => _runner;

    /// <summary>
    /// Checks everything that can be checked before anything is created: the options, root, and
    /// the host tools. Throws <see cref="LabException"/> with every problem in one message.
    /// </summary>
    public static Lab Create(LabOptions options, ProcessRunner? runner = null)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new LabException(string.Join("; ", problems));
        }
        if (!Posix.IsRoot)
        {
            throw new LabException(NeedsRoot);
        }
        return new Lab(options, HostTools.Find(), runner ?? new ProcessRunner());
    }

    /// <summary>Why no lab can run on this host (not root, a tool missing), or null when one can: for test fixtures.</summary>
    public static string? WhyUnavailable()
    {
        if (!Posix.IsRoot)
        {
            return NeedsRoot;
        }
        try
        {
            HostTools.Find();
            return null;
        }
        catch (LabException ex)
        {
            return ex.Message;
        }
    }

    private const string NeedsRoot = "the lab needs root: it creates network namespaces and starts dockerd (run it as root)";

    public EngineLayout NodeEngine(int node) => Layout.Engine(Layout.NodeNamespace(node));

    /// <summary>Runs the docker client against node <paramref name="node"/>'s engine (1-based).</summary>
    public Task<ProcessResult> DockerAsync(int node, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        _engines.DockerAsync(NodeEngine(node), arguments, cancellationToken);

    /// <summary>Runs the docker client against any engine of the lab.</summary>
    public Task<ProcessResult> DockerAsync(EngineLayout engine, IReadOnlyList<string> arguments, bool checkExitCode, CancellationToken cancellationToken) =>
        _engines.DockerAsync(engine, arguments, [], checkExitCode, cancellationToken);

    /// <summary>Runs a host program inside one of the lab's network namespaces.</summary>
    public Task<ProcessResult> ExecAsync(
        string netns, string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool checkExitCode = true) =>
        _network.InNamespaceAsync(netns, program, arguments, cancellationToken, checkExitCode: checkExitCode);

    /// <summary>Builds the lab, or finishes building it: every step checks before it acts, so `up` can run again.</summary>
    public async Task UpAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var existing = await CheckOwnershipAsync(cancellationToken);
        var file = existing ?? new LabFile(Options.Prefix, Options.Nodes, "", "");
        if (existing is null)
        {
            var link = await _network.ChooseHostLinkAsync(cancellationToken);
            file = file with { HostAddress = link.HostAddress.ToString(), LabAddress = link.LabAddress.ToString() };
            file.Write(Layout);
        }

        try
        {
            await BuildAsync(file, progress, cancellationToken);
        }
        catch (Exception) when (existing is null)
        {
            // Nothing half-done: a first `up` that fails removes what it made.
            progress?.Report("up failed; removing what it made");
            await DownAsync(progress: null, CancellationToken.None);
            throw;
        }
    }

    private async Task BuildAsync(LabFile file, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var nodes = Enumerable.Range(1, Options.Nodes).ToList();
        progress?.Report($"lab namespace {Layout.LabNamespace}: underlay bridge 172.31.0.0/16, internet bridge 198.51.100.0/24, host link {file.HostAddress}/30");
        await _network.EnsureLabNamespaceAsync(Layout, file.HostLink, cancellationToken);

        foreach (var node in nodes)
        {
            progress?.Report($"node {Layout.NodeNamespace(node)} at {LabLayout.NodeAddress(node)}");
            await _network.EnsureHostAsync(
                Layout.LabNamespace,
                Layout.NodeNamespace(node),
                [new Attachment(LabLayout.UnderlayBridge, "n" + Num(node), "eth0", LabLayout.NodeAddress(node), LabLayout.UnderlayPrefixLength)],
                LabLayout.UnderlayGateway,
                cancellationToken);
        }

        progress?.Report($"starting {nodes.Count} dockerd engines");
        await Task.WhenAll(nodes.Select(node => _engines.StartAsync(NodeEngine(node), cancellationToken)));

        progress?.Report($"image {LabLayout.ImageName} (busybox, no registry)");
        await _image.EnsureArchiveAsync(Layout, NodeEngine(1), cancellationToken);
        await Task.WhenAll(nodes.Skip(1).Select(node => _image.EnsureLoadedAsync(Layout, NodeEngine(node), cancellationToken)));

        progress?.Report("swarm: node 1 manager, the others workers");
        await EnsureSwarmManagerAsync(cancellationToken);
        await Task.WhenAll(nodes.Skip(1).Select(node =>
            EnsureSwarmMemberAsync(NodeEngine(node), LabLayout.NodeAddress(node), "n" + Num(node), cancellationToken)));

        progress?.Report($"overlay {LabLayout.OverlayName} {LabLayout.OverlaySubnet} (attachable)");
        await EnsureOverlayAsync(cancellationToken);

        progress?.Report("workloads: web1, web2, service api (2 replicas, dnsrr)");
        await EnsureWorkloadsAsync(cancellationToken);
    }

    /// <summary>
    /// Removes every namespace, link, process, mount and directory the lab made. Refuses to touch a
    /// prefix whose namespaces no lab made; does nothing when there is no such lab.
    /// </summary>
    public async Task DownAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var file = LabFile.Read(Layout);
        var namespaces = await _network.ListNamespacesAsync(Options.Prefix, cancellationToken);
        if (file is null && namespaces.Count > 0)
        {
            throw new LabException(ForeignPrefixMessage(namespaces));
        }

        if (await LabDemo.StopAsync(new DemoLayout(Layout), cancellationToken))
        {
            progress?.Report("stopped the demo's controller, gateway and VPN client");
        }
        var engines = namespaces.Where(HasEngine).Select(Layout.Engine).ToList();
        progress?.Report($"stopping {engines.Count} engines");
        await Task.WhenAll(engines.Select(engine => _engines.StopAsync(engine, cancellationToken)));

        foreach (var netns in namespaces)
        {
            progress?.Report($"removing namespace {netns}");
            await HostCleanup.KillNamespaceProcessesAsync(_runner, _tools.Ip, netns, cancellationToken);
            await _network.DeleteNamespaceAsync(netns, cancellationToken);
            DesktopDns.RemoveResolverDirectory(netns);
        }
        await _network.DeleteHostLinkAsync(Layout, cancellationToken);
        await HostCleanup.UnmountUnderAsync(_runner, _tools.Umount, [Layout.StateDirectory, Layout.RunDirectory], cancellationToken);
        foreach (var directory in new[] { Layout.StateDirectory, Layout.RunDirectory })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        // Shared places our engines create when nothing else has: removed only while empty, so the
        // host's own Docker (or another lab) keeps whatever it has there.
        foreach (var directory in SharedDirectories)
        {
            RemoveIfEmpty(directory);
        }
    }

    private static readonly string[] SharedDirectories =
    [
        LabLayout.StateRoot, LabLayout.RunRoot,
        "/run/containerd/s", "/run/containerd", "/run/docker/plugins", "/run/docker",
    ];

    private static void RemoveIfEmpty(string directory)
    {
        try
        {
            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
        catch (IOException)
        {
            // Something else created an entry in the meantime: then it is not ours to remove.
        }
    }

    private bool HasEngine(string netns) => Directory.Exists(Layout.Engine(netns).DataRoot);

    /// <summary>
    /// The lab file when this prefix is already a lab of the same shape; null when the prefix is
    /// free. Throws when the prefix is taken by another shape of lab or by something else.
    /// </summary>
    private async Task<LabFile?> CheckOwnershipAsync(CancellationToken cancellationToken)
    {
        var file = LabFile.Read(Layout);
        if (file is not null)
        {
            if (file.Nodes != Options.Nodes)
            {
                throw new LabException($"prefix '{Options.Prefix}' is in use by a lab with {file.Nodes} nodes; "
                    + $"run `skyhook lab down --prefix {Options.Prefix}` first, or choose another --prefix");
            }
            return file;
        }
        var namespaces = await _network.ListNamespacesAsync(Options.Prefix, cancellationToken);
        if (namespaces.Count > 0)
        {
            throw new LabException(ForeignPrefixMessage(namespaces));
        }
        if (await _network.LinkExistsAsync(null, Layout.HostLink, cancellationToken))
        {
            throw new LabException($"prefix '{Options.Prefix}' is in use: the host already has an interface {Layout.HostLink}; choose another --prefix");
        }
        return null;
    }

    private string ForeignPrefixMessage(IReadOnlyList<string> namespaces) =>
        $"prefix '{Options.Prefix}' is in use on this host by network namespaces no Skyhook lab made "
        + $"({string.Join(", ", namespaces)}); choose another --prefix";

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
