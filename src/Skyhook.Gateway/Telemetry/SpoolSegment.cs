using System.Globalization;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// One file of the <see cref="EventSpool"/>: JSON lines of consecutive sequences from
/// <see cref="First"/>, named by it (<c>000000000001.jsonl</c>). <see cref="Last"/> is 0 while it holds none.
/// </summary>
internal sealed class SpoolSegment(string directory, long first)
{
    public const string Extension = ".jsonl";

    public long First { get; } = first;

    public string Path { get; } = System.IO.Path.Combine(directory, NameOf(first));

    public long Last { get; set; }

    /// <summary>Bytes of complete lines: readers read no further.</summary>
    public long Length { get; set; }

    public static string NameOf(long first) => first.ToString("D12", CultureInfo.InvariantCulture) + Extension;

    /// <summary>The first sequence a segment file's name gives, or null when the file is no segment.</summary>
    public static long? ParseName(string fileName) =>
        fileName.EndsWith(Extension, StringComparison.Ordinal)
        && fileName.Length > Extension.Length
        && long.TryParse(fileName.AsSpan(0, fileName.Length - Extension.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
        && first > 0
            ? first
            : null;
}
