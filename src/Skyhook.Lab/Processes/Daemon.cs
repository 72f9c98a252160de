using System.Diagnostics;
using System.Globalization;
using Skyhook.Linux;

namespace Skyhook.Lab.Processes;

/// <summary>
/// A long-lived lab process (a dockerd, the demo's controller, gateway and VPN client) detached from
/// the command that started it with start-stop-daemon, so that it outlives `skyhook lab ...`, with its
/// output in a log file and its pid in a pid file: later commands find it by that file, not by memory.
/// </summary>
/// <param name="Program">The program, by absolute path.</param>
/// <param name="PidFile">Written by start-stop-daemon, unless <see cref="PidFileWrittenByProgram"/>.</param>
public sealed record Daemon(string Program, IReadOnlyList<string> Arguments, string PidFile, string LogFile)
{
    /// <summary>True when the program writes <see cref="PidFile"/> itself (dockerd --pidfile). Default false.</summary>
    public bool PidFileWrittenByProgram { get; init; }

    /// <summary>The working directory. Default: start-stop-daemon's (/).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables for the program.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Starts the program in the background and returns at once; the caller waits for whatever "ready" means for it.</summary>
    public async Task StartAsync(HostTools tools, ProcessRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(runner);
        Directory.CreateDirectory(Path.GetDirectoryName(PidFile)!);
        Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
        List<string> options = ["--start", "--background", "--output", LogFile, "--pidfile", PidFile];
        if (!PidFileWrittenByProgram)
        {
            options.Add("--make-pidfile");
        }
        if (WorkingDirectory is not null)
        {
            options.AddRange(["--chdir", WorkingDirectory]);
        }
        await runner.RunAsync(
            new ProcessSpec(tools.StartStopDaemon, [.. options, "--startas", Program, "--", .. Arguments]) { Environment = Environment },
            cancellationToken);
    }

    /// <summary>
    /// Whether the process of the pid file runs and is the one started: its command line contains
    /// <paramref name="commandLineMark"/> (a path of its own), so a recycled pid of someone else's does not count.
    /// </summary>
    public static bool IsRunning(string pidFile, string commandLineMark) =>
        ReadPid(pidFile) is { } pid && Mentions(pid, commandLineMark);

    /// <summary>
    /// SIGTERM to the process of <paramref name="pidFile"/>, SIGKILL after <paramref name="grace"/>;
    /// removes the pid file. Only a process whose command line contains <paramref name="commandLineMark"/>
    /// is signalled. Safe to call when the process or the file is gone.
    /// </summary>
    public static async Task StopAsync(string pidFile, string commandLineMark, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (ReadPid(pidFile) is { } pid && Mentions(pid, commandLineMark) && Posix.Signal(pid, Posix.SigTerm))
        {
            var stopping = Stopwatch.StartNew();
            while (Mentions(pid, commandLineMark) && stopping.Elapsed < grace)
            {
                await Task.Delay(100, cancellationToken);
            }
            if (Mentions(pid, commandLineMark))
            {
                Posix.Signal(pid, Posix.SigKill);
            }
            for (var i = 0; i < 50 && Mentions(pid, commandLineMark); i++)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
        if (File.Exists(pidFile))
        {
            File.Delete(pidFile);
        }
    }

    /// <summary>
    /// SIGKILL to every other process whose command line contains <paramref name="commandLineMark"/>,
    /// and waits for them: what a stopped daemon's children left running (the demo gateway's openvpn,
    /// which holds its port, when the gateway did not stop it within the grace).
    /// </summary>
    public static async Task KillLeftoversAsync(string commandLineMark, CancellationToken cancellationToken)
    {
        var self = System.Environment.ProcessId;
        var leftovers = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 1 && pid != self && Mentions(pid, commandLineMark))
            .ToList();
        foreach (var pid in leftovers)
        {
            Posix.Signal(pid, Posix.SigKill);
        }
        for (var i = 0; i < 50 && leftovers.Any(pid => Mentions(pid, commandLineMark)); i++)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    public static int? ReadPid(string pidFile) =>
        File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;

    // A process that exited (even one not yet reaped, whose command line reads empty) mentions nothing.
    private static bool Mentions(int pid, string commandLineMark)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Contains(commandLineMark, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The last lines of a log file, joined with " | ", for error messages.</summary>
    public static string LogTail(string logFile, int lines = 5) =>
        File.Exists(logFile) ? string.Join(" | ", File.ReadLines(logFile).TakeLast(lines)) : "(no log)";
}
