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

    /// <summary>Whether a process with this id exists (signal 0 probes without sending).</summary>
    public static bool IsAlive(int pid) => Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM */;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
