using System.Runtime.InteropServices;

namespace Skyhook.Linux;

/// <summary>The few libc calls .NET does not offer: effective user, and signals other than SIGKILL.</summary>
public static partial class Posix
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    public static bool IsRoot => GetEffectiveUserId() == 0;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when no such process.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>
    /// Whether a process with this id exists and has not exited (signal 0 probes without sending). A
    /// zombie, exited and waiting for a parent to reap it, is not alive: an orphan may wait long for
    /// an init that reaps slowly, or never.
    /// </summary>
    public static bool IsAlive(int pid) =>
        (Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM */) && !IsZombie(pid);

    private static bool IsZombie(int pid)
    {
        try
        {
            // /proc/PID/stat: "PID (COMM) STATE ..."; COMM may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var end = stat.LastIndexOf(')');
            return end > 0 && end + 2 < stat.Length && stat[end + 2] == 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
