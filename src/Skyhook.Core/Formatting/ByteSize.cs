using System.Globalization;

namespace Skyhook.Core.Formatting;

/// <summary>A byte count for people: "512 B", "1.2 MiB" (binary units, one decimal, invariant culture).</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    public static string Format(long bytes)
    {
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }
        var value = (double)bytes;
        var unit = -1;
        // Move up while the value would round to 1024.0 or more in this unit.
        while (unit < Units.Length - 1 && value >= 1023.95)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }
}
