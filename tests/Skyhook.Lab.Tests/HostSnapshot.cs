using System.Text;
using Skyhook.Linux;

namespace Skyhook.Lab.Tests;

/// <summary>
/// What a lab could leave on the host: routes of every table (all of them but other labs' host links:
/// a lab must not change the host's routing), and the links, namespaces, mounts, processes (engines, the demo's), cgroups and
/// folders that carry the lab's prefix (every name a lab makes does; other test suites may be running
/// beside this one). Two snapshots compare as text, so a failure shows the diff.
/// </summary>
internal static partial class HostSnapshot
{
    public static async Task<string> TakeAsync(string prefix, CancellationToken cancellationToken)
    {
        var runner = new ProcessRunner();
        async Task<string> Ip(params string[] arguments) => (await runner.RunAsync("ip", arguments, cancellationToken)).StandardOutput;

        var text = new StringBuilder();
        // Every route but those of other labs' host links, which labs started beside this one add and remove.
        var routes = Lines(await Ip("-4", "route", "show", "table", "all")).Concat(Lines(await Ip("-6", "route", "show", "table", "all")))
            .Where(route => OtherLabsLink().Match(route) is not { Success: true } other || other.Groups[1].Value == prefix);
        text.AppendLine("# routes").AppendJoin('\n', routes).AppendLine();
        text.AppendLine("# links").AppendJoin('\n', Lines(await Ip("-o", "link", "show")).Select(l => l.Split(' ')[1]).Where(Ours)).AppendLine();
        text.AppendLine("# namespaces").AppendJoin('\n', Lines(await Ip("netns", "list")).Where(Ours)).AppendLine();
        text.AppendLine("# mounts").AppendJoin('\n', File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(Ours).Order(StringComparer.Ordinal)).AppendLine();
        text.AppendLine("# engine processes").AppendJoin('\n', EngineProcesses().Where(Ours)).AppendLine();
        text.AppendLine("# lab processes").AppendJoin('\n', LabProcesses(prefix)).AppendLine();
        text.AppendLine("# lab cgroups").AppendJoin('\n', LabCgroups(prefix)).AppendLine();
        text.AppendLine("# lab folders").AppendJoin('\n', LabFolders(prefix)).AppendLine();
        return text.ToString();

        bool Ours(string text) => text.Contains(prefix, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static IEnumerable<string> EngineProcesses() =>
        Processes()
            .Select(pid => (pid, comm: ReadOrEmpty($"/proc/{pid}/comm").Trim()))
            .Where(p => p.comm is "dockerd" or "containerd" || p.comm.StartsWith("containerd-shim", StringComparison.Ordinal))
            .Select(p => $"{p.pid} {p.comm} {ReadOrEmpty($"/proc/{p.pid}/cmdline").Replace('\0', ' ')}")
            .Order(StringComparer.Ordinal);

    /// <summary>
    /// Any process whose command line names the lab's folders or namespaces: the demo's controller,
    /// gateway and openvpn processes as well as the engines.
    /// </summary>
    private static IEnumerable<string> LabProcesses(string prefix) =>
        Processes()
            .Select(pid => $"{pid} {ReadOrEmpty($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()}")
            .Where(line => line.Contains($"/skyhook-lab/{prefix}/", StringComparison.Ordinal) || line.Contains($"/run/netns/{prefix}-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> Processes() =>
        Directory.GetDirectories("/proc").Select(directory => Path.GetFileName(directory)).Where(name => name.All(char.IsAsciiDigit));

    private static IEnumerable<string> LabCgroups(string prefix) =>
        Directory.GetDirectories("/sys/fs/cgroup")
            .SelectMany(controller => Directory.GetDirectories(controller, $"skyhook-{prefix}-*"))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> LabFolders(string prefix) =>
        new[] { $"/var/lib/skyhook-lab/{prefix}", $"/run/skyhook-lab/{prefix}" }.Where(Directory.Exists);

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\bdev (\S+)-lab\b")]
    private static partial System.Text.RegularExpressions.Regex OtherLabsLink();
}
