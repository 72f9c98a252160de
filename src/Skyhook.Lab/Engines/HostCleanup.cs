using System.Globalization;
using Skyhook.Linux;

namespace Skyhook.Lab.Engines;

/// <summary>
/// Removes what an engine leaves on the host when it is gone or stopped badly: processes in its
/// cgroups and namespace, and its mounts. Each step finds its targets by looking, not by memory.
/// </summary>
internal static class HostCleanup
{
    private const string CgroupRoot = "/sys/fs/cgroup";

    /// <summary>Kills every process under the cgroup <paramref name="name"/> (v1 controllers and v2) and removes the cgroups.</summary>
    public static async Task KillCgroupAsync(string name, CancellationToken cancellationToken)
    {
        var roots = new List<string>();
        if (Directory.Exists(Path.Combine(CgroupRoot, name)))
        {
            roots.Add(Path.Combine(CgroupRoot, name));
        }
        if (Directory.Exists(CgroupRoot))
        {
            roots.AddRange(Directory.GetDirectories(CgroupRoot)
                .Select(controller => Path.Combine(controller, name))
                .Where(Directory.Exists));
        }
        if (roots.Count == 0)
        {
            return;
        }

        for (var attempt = 0; attempt < 50; attempt++)
        {
            var groups = roots.SelectMany(root => Directory.GetDirectories(root, "*", SearchOption.AllDirectories).Append(root)).ToList();
            var pids = groups.SelectMany(ReadProcs).Distinct().ToList();
            foreach (var pid in pids)
            {
                Posix.Signal(pid, Posix.SigKill);
            }
            // Deepest first: a cgroup can only be removed once it has no children and no processes.
            foreach (var group in groups.OrderByDescending(g => g.Length))
            {
                try
                {
                    Directory.Delete(group);
                }
                catch (IOException)
                {
                    // Still busy; the next attempt retries after the killed processes are reaped.
                }
            }
            if (!roots.Any(Directory.Exists))
            {
                return;
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    public static async Task KillNamespaceProcessesAsync(ProcessRunner runner, string ip, string netns, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var result = await runner.RunAsync(new ProcessSpec(ip, ["netns", "pids", netns]) { CheckExitCode = false }, cancellationToken);
            var pids = result.Succeeded ? ParsePids(result.StandardOutput) : [];
            if (pids.Count == 0)
            {
                return;
            }
            foreach (var pid in pids)
            {
                Posix.Signal(pid, Posix.SigKill);
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Unmounts (lazily, deepest first) every mount point at or below one of <paramref name="directories"/>.</summary>
    public static async Task UnmountUnderAsync(ProcessRunner runner, string umount, IReadOnlyList<string> directories, CancellationToken cancellationToken)
    {
        foreach (var mountPoint in MountPointsUnder(directories).OrderByDescending(m => m.Length))
        {
            await runner.RunAsync(new ProcessSpec(umount, ["-l", mountPoint]) { CheckExitCode = false }, cancellationToken);
        }
    }

    public static IReadOnlyList<string> MountPointsUnder(IReadOnlyList<string> directories)
    {
        var found = new List<string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length < 5)
            {
                continue;
            }
            var mountPoint = UnescapeMountPath(fields[4]);
            if (directories.Any(d => mountPoint == d || mountPoint.StartsWith(d.TrimEnd('/') + "/", StringComparison.Ordinal)))
            {
                found.Add(mountPoint);
            }
        }
        return found;
    }

    private static IEnumerable<int> ReadProcs(string group)
    {
        var procs = Path.Combine(group, "cgroup.procs");
        try
        {
            return ParsePids(File.ReadAllText(procs));
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static List<int> ParsePids(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .ToList();

    // mountinfo escapes space, tab, newline and backslash as \040, \011, \012 and \134.
    private static string UnescapeMountPath(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal)
            .Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal)
            .Replace("\\134", "\\", StringComparison.Ordinal);
}
