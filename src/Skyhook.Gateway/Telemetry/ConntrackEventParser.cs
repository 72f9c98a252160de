using System.Globalization;
using Skyhook.Gateway.Policy;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// Reads the lines of <c>conntrack -E -e NEW,DESTROY -o extended,id,timestamp</c> (conntrack-tools 1.4.7):
/// <code>
/// [1795877575.335931]	    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.8.0.2 dst=10.0.5.10 sport=55212 dport=8080 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 sport=8080 dport=55212 id=1897136023
/// [1795877577.380959]	[DESTROY] ipv4     2 tcp      6 117 TIME_WAIT src=10.8.0.2 dst=10.0.5.10 sport=55212 dport=8080 packets=6 bytes=326 src=10.0.5.10 dst=10.8.0.2 sport=8080 dport=55212 packets=4 bytes=222 [ASSURED] delta-time=2 id=1897136023 [USERSPACE] portid=16858
/// </code>
/// The tuple is read by <see cref="ConntrackParser.ParseLine"/> (strict about what it needs); the
/// counters are the first and second <c>packets=</c>/<c>bytes=</c> (original, then reply), the id is
/// the last <c>id=</c> (ICMP tuples carry an <c>id=</c> of their own before it). A line that does not
/// fit gives null, never an exception.
/// </summary>
public static class ConntrackEventParser
{
    private const int MaxTokens = 64;

    public static ConntrackEvent? Parse(ReadOnlySpan<char> line)
    {
        if (line.Length > ConntrackParser.MaxLineLength)
        {
            return null;
        }

        line = line.TrimStart();
        DateTimeOffset? at = null;
        if (line.StartsWith("[") && char.IsAsciiDigit(line.Length > 1 ? line[1] : ' '))
        {
            var close = line.IndexOf(']');
            if (close < 0 || !decimal.TryParse(line[1..close], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
                || seconds > 253_402_300_799m)
            {
                return null;
            }

            at = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000m));
            line = line[(close + 1)..].TrimStart();
        }

        bool isNew;
        if (line.StartsWith("[NEW]"))
        {
            isNew = true;
        }
        else if (line.StartsWith("[DESTROY]"))
        {
            isNew = false;
        }
        else
        {
            return null;
        }

        line = line[(line.IndexOf(']') + 1)..].TrimStart();
        if (ConntrackParser.ParseLine(line) is not { } entry)
        {
            return null;
        }

        Span<Range> ranges = stackalloc Range[MaxTokens];
        var count = line.Split(ranges, ' ', StringSplitOptions.RemoveEmptyEntries);
        uint? id = null;
        long? age = null;
        Span<long> packets = [-1, -1];
        Span<long> bytes = [-1, -1];
        int packetsSeen = 0, bytesSeen = 0;
        foreach (var range in ranges[..count])
        {
            var token = line[range];
            if (token.StartsWith("id=") && uint.TryParse(token[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                id = value;
            }
            else if (token.StartsWith("packets=") && packetsSeen < 2 && Counter(token[8..]) is { } p)
            {
                packets[packetsSeen++] = p;
            }
            else if (token.StartsWith("bytes=") && bytesSeen < 2 && Counter(token[6..]) is { } b)
            {
                bytes[bytesSeen++] = b;
            }
            else if (token.StartsWith("delta-time=") && Counter(token[11..]) is { } d)
            {
                age = d;
            }
        }

        if (id is null)
        {
            return null;
        }

        return new ConntrackEvent(
            isNew,
            id.Value,
            entry,
            at,
            packets[0] >= 0 ? packets[0] : null,
            bytes[0] >= 0 ? bytes[0] : null,
            packets[1] >= 0 ? packets[1] : null,
            bytes[1] >= 0 ? bytes[1] : null,
            age);
    }

    private static long? Counter(ReadOnlySpan<char> text) =>
        text.Length is > 0 and <= 19 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
