using System.Globalization;

namespace Skyhook.Bench;

/// <summary>This process's resident memory from /proc/self/status, in MiB.</summary>
public static class ProcessMemory
{
    /// <summary>VmRSS now.</summary>
    public static double ResidentMiB() => Read("VmRSS:");

    /// <summary>VmHWM: the peak so far.</summary>
    public static double PeakResidentMiB() => Read("VmHWM:");

    private static double Read(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }
}
