using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Skyhook.Gateway.Policy;

/// <summary>
/// Reads the lines of <c>conntrack -L -o extended</c> (and of <c>conntrack -D -o extended</c>, which
/// prints what it deleted in the same form):
/// <code>
/// ipv4     2 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=35072 dport=5000 src=10.0.5.10 dst=10.8.0.2 sport=5000 dport=35072 [ASSURED] mark=0 use=1
/// ipv6     10 icmpv6   58 29 src=fd00:8::2 dst=fd00:5::10 type=128 code=0 id=29509 src=fd00:5::10 dst=fd00:8::2 type=129 code=0 id=29509 mark=0 use=1
/// ipv4     2 unknown  253 599 src=10.8.0.2 dst=10.0.5.10 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 mark=0 use=1
/// </code>
/// The extended form, rather than the plain one, because it names the layer-3 family (checked
/// against every address) and is the same for both families in every conntrack-tools version; the
/// plain form has no family column and older versions listed only IPv4 unless asked.
/// </summary>
/// <remarks>
/// Strict about what a verdict depends on and lenient about the rest: family, protocol, the original
/// direction's addresses, ports (tcp, udp) or ICMP type, code and id (icmp, icmpv6) must be present,
/// once, well formed and consistent; the reply direction's addresses must follow, so that a line cut
/// short inside the original direction is never read as a shorter port. Other keys (mark, use, zone,
/// counters, GRE keys, ...) and flags such as [ASSURED] are passed over. A line that does not fit is
/// skipped and counted, never thrown: conntrack's output is trusted, but a format change must not
/// stop the gateway, and must not make it cut what it cannot read.
/// </remarks>
public static class ConntrackParser
{
    /// <summary>Longest line read; real lines are 150 to 350 characters (IPv6, counters, timestamps).</summary>
    public const int MaxLineLength = 2048;

    /// <summary>Most entries kept from one listing (2^20), far more than a gateway tracks: the rest are counted as skipped, not stored.</summary>
    public const int MaxEntries = 1 << 20;

    private const int MaxSampleLength = 160;

    // More than any line has up to its reply addresses; further tokens stay in the last range unread.
    private const int MaxTokens = 64;

    /// <summary>Every entry of <paramref name="output"/>, one per line; empty lines are passed over.</summary>
    public static ConntrackListing Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var entries = new List<ConntrackEntry>();
        var skipped = 0;
        string? firstSkipped = null;
        foreach (var range in output.AsSpan().Split('\n'))
        {
            var line = output.AsSpan(range);
            if (line.IsWhiteSpace())
            {
                continue;
            }

            if (entries.Count < MaxEntries && line.Length <= MaxLineLength && ParseLine(line) is { } entry)
            {
                entries.Add(entry);
                continue;
            }

            skipped++;
            firstSkipped ??= Sample(line);
        }

        return new ConntrackListing(entries, skipped, firstSkipped);
    }

    /// <summary>The entry on one line (without its line ending), or null when the line is not one.</summary>
    public static ConntrackEntry? ParseLine(ReadOnlySpan<char> line)
    {
        if (line.Length > MaxLineLength)
        {
            return null;
        }

        Span<Range> ranges = stackalloc Range[MaxTokens];
        var tokens = ranges[..line.Split(ranges, ' ', StringSplitOptions.RemoveEmptyEntries)];
        if (tokens.Length < 8)
        {
            return null;
        }

        AddressFamily family;
        switch (line[tokens[0]])
        {
            case "ipv4" when line[tokens[1]] is "2":
                family = AddressFamily.InterNetwork;
                break;
            case "ipv6" when line[tokens[1]] is "10":
                family = AddressFamily.InterNetworkV6;
                break;
            default:
                return null;
        }

        var protocolName = line[tokens[2]];
        if (!IsWord(protocolName) || Number(line[tokens[3]], 255) is not { } protocol || !ProtocolNameFits(protocolName, protocol))
        {
            return null;
        }

        // The timeout, then a state for the protocols that have one (tcp, sctp, dccp).
        var i = 4;
        if (i < tokens.Length && Number(line[tokens[i]], int.MaxValue) is not null)
        {
            i++;
        }

        if (i < tokens.Length && IsState(line[tokens[i]]))
        {
            i++;
        }

        var original = new Fields();
        for (; i < tokens.Length; i++)
        {
            var token = line[tokens[i]];
            if (token.StartsWith("src=") && original.HasSource)
            {
                break;
            }

            if (!original.Read(token, family))
            {
                return null;
            }
        }

        // The reply direction's addresses: the original direction before them is complete.
        if (i + 1 >= tokens.Length
            || !line[tokens[i]].StartsWith("src=") || Address(line[tokens[i]][4..], family) is null
            || !line[tokens[i + 1]].StartsWith("dst=") || Address(line[tokens[i + 1]][4..], family) is null)
        {
            return null;
        }

        return original.ToEntry(family, protocol);
    }

    private static bool ProtocolNameFits(ReadOnlySpan<char> name, int protocol)
    {
        int? expected = name switch
        {
            "icmp" => ConntrackEntry.Icmp,
            "tcp" => ConntrackEntry.Tcp,
            "udp" => ConntrackEntry.Udp,
            "icmpv6" => ConntrackEntry.Icmpv6,
            "dccp" => 33,
            "gre" => 47,
            "sctp" => 132,
            "udplite" => 136,
            _ => null,
        };
        // The protocols judged by port or as icmp must carry their own name, or the line is not what it seems.
        return expected is { } number
            ? number == protocol
            : protocol is not (ConntrackEntry.Icmp or ConntrackEntry.Tcp or ConntrackEntry.Udp or ConntrackEntry.Icmpv6);
    }

    private static bool IsWord(ReadOnlySpan<char> token) =>
        token.Length is > 0 and <= 16 && !token.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789");

    private static bool IsState(ReadOnlySpan<char> token) =>
        token.Length is > 0 and <= 32 && char.IsAsciiLetterUpper(token[0]) && !token.ContainsAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    /// <summary>Decimal digits only (no sign, no spaces), at most <paramref name="max"/>.</summary>
    private static int? Number(ReadOnlySpan<char> text, int max) =>
        text.Length is > 0 and <= 10
        && !text.ContainsAnyExceptInRange('0', '9')
        && long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) is var value
        && value <= max
            ? (int)value
            : null;

    /// <summary>
    /// An address of <paramref name="family"/> in the form conntrack prints: dotted quad, or IPv6
    /// hex groups (an embedded dotted quad allowed). <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
    /// alone would also take "10" (0.0.0.10), hex and octal parts, and scope ids.
    /// </summary>
    private static IPAddress? Address(ReadOnlySpan<char> text, AddressFamily family)
    {
        var shaped = family == AddressFamily.InterNetwork
            ? IsDottedQuad(text)
            : text.Contains(':') && !text.ContainsAnyExcept("0123456789abcdefABCDEF:.");
        return shaped && text.Length <= 45 && IPAddress.TryParse(text, out var address) && address.AddressFamily == family
            ? address
            : null;
    }

    /// <summary>Four decimal parts of one to three digits without leading zeros (which some parsers read as octal).</summary>
    private static bool IsDottedQuad(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++parts > 4 || part.Length is 0 or > 3 || part.ContainsAnyExceptInRange('0', '9') || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }
        }

        return parts == 4;
    }

    private static string Sample(ReadOnlySpan<char> line)
    {
        var sample = line.Length > MaxSampleLength ? line[..MaxSampleLength] : line;
        var text = string.Create(sample.Length, sample.ToString(), static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
        return line.Length > MaxSampleLength
            ? string.Create(CultureInfo.InvariantCulture, $"{text}... ({line.Length} characters)")
            : text;
    }

    /// <summary>The original direction's fields as they are read; each at most once.</summary>
    private sealed class Fields
    {
        private IPAddress? _source;
        private IPAddress? _destination;
        private int? _sourcePort;
        private int? _destinationPort;
        private int? _type;
        private int? _code;
        private int? _id;

        public bool HasSource => _source is not null;

        public bool Read(ReadOnlySpan<char> token, AddressFamily family)
        {
            if (token.Length > 2 && token[0] == '[' && token[^1] == ']')
            {
                return IsState(token[1..^1]);
            }

            var equals = token.IndexOf('=');
            if (equals <= 0 || equals == token.Length - 1)
            {
                return false;
            }

            var key = token[..equals];
            var value = token[(equals + 1)..];
            return key switch
            {
                "src" => Set(ref _source, Address(value, family)),
                "dst" => Set(ref _destination, Address(value, family)),
                "sport" => Set(ref _sourcePort, Number(value, 65535)),
                "dport" => Set(ref _destinationPort, Number(value, 65535)),
                "type" => Set(ref _type, Number(value, 255)),
                "code" => Set(ref _code, Number(value, 255)),
                "id" => Set(ref _id, Number(value, 65535)),
                // Keys that do not decide a verdict (GRE keys, zone-orig, ...): passed over, but well formed.
                _ => char.IsAsciiLetterLower(key[0]) && !key.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789-_"),
            };
        }

        /// <summary>The entry, or null when a field the protocol needs is missing or one it cannot have is there.</summary>
        public ConntrackEntry? ToEntry(AddressFamily family, int protocol)
        {
            if (_source is null || _destination is null || (_sourcePort is null) != (_destinationPort is null))
            {
                return null;
            }

            var ported = _sourcePort is not null;
            var icmp = _type is not null && _code is not null && _id is not null;
            var anyIcmp = _type is not null || _code is not null || _id is not null;
            return protocol switch
            {
                ConntrackEntry.Tcp or ConntrackEntry.Udp => ported && !anyIcmp
                    ? new ConntrackEntry(family, protocol, _source, _destination, _sourcePort, _destinationPort)
                    : null,
                ConntrackEntry.Icmp or ConntrackEntry.Icmpv6 => icmp && !ported
                    ? new ConntrackEntry(family, protocol, _source, _destination, IcmpType: _type, IcmpCode: _code, IcmpId: _id)
                    : null,
                _ => new ConntrackEntry(family, protocol, _source, _destination, _sourcePort, _destinationPort),
            };
        }

        private static bool Set<T>(ref T? field, T? value)
        {
            if (field is not null || value is null)
            {
                return false;
            }

            field = value;
            return true;
        }
    }
}
