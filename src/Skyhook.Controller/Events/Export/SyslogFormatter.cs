using System.Globalization;
using System.Text;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Events.Export;

/// <summary>
/// One <see cref="StoredEvent"/> as an RFC 5424 syslog message:
/// <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME skyhook - KIND [skyhook@32473 id="..." ...] MSG</c>.
/// Every field may hold text from the network (a DNS name, an HTTP path, a client's version), so
/// nothing is copied as it came: header fields keep printable ASCII only, and structured-data values
/// and the message have their control characters (C0, DEL, C1) written as <c>#ooo</c> (octal, as
/// rsyslog writes them), so a message is always one line and can never break a frame.
/// </summary>
public sealed class SyslogFormatter
{
    public const string AppName = "skyhook";

    /// <summary>
    /// The SD-ID. An SD-ID of our own needs "@" and an IANA private enterprise number; Skyhook has none,
    /// so it uses 32473, the number RFC 5612 reserves for documentation and examples. Receivers key on
    /// the whole string; if Skyhook ever registers a number this changes once, visibly, in the README.
    /// </summary>
    public const string StructuredDataId = "skyhook@32473";

    /// <summary>RFC 5424 §6.2.4: HOSTNAME is at most 255 printable ASCII characters.</summary>
    public const int MaxHostName = 255;

    /// <summary>RFC 5424 §6.2.7: MSGID is at most 32 printable ASCII characters.</summary>
    public const int MaxMessageId = 32;

    /// <summary>
    /// The most characters of one PARAM-VALUE after escaping: the contract bounds a path at 2048, and
    /// this keeps a message well under the 8 KiB receivers commonly accept even when escaping grows it.
    /// A longer value is cut and ends with "…".
    /// </summary>
    public const int MaxValueChars = 2048;

    /// <summary>The most characters of MSG; a longer one is cut and ends with "…" (the full values are in the structured data).</summary>
    public const int MaxMessageChars = 512;

    private const string Ellipsis = "…";

    private readonly int _facility;
    private readonly string _localHostName;

    /// <param name="facility">The syslog facility, 0-23 (<see cref="SyslogFacilities"/>).</param>
    /// <param name="localHostName">HOSTNAME for the controller's own events (audit), which come from no gateway.</param>
    public SyslogFormatter(int facility, string localHostName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(facility);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(facility, 23);
        _facility = facility;
        _localHostName = localHostName;
    }

    public string Format(StoredEvent stored)
    {
        var e = stored.Event;
        var line = new StringBuilder(384);
        line.Append('<').Append((_facility * 8 + Severity(e)).ToString(CultureInfo.InvariantCulture)).Append(">1 ");
        // TIME-SECFRAC allows up to six digits; microseconds keep the order of events within a second.
        line.Append(e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)).Append(' ');
        AppendHeaderField(line, stored.Gateway ?? _localHostName, MaxHostName);
        line.Append(' ').Append(AppName).Append(" - ");
        AppendHeaderField(line, e.Kind, MaxMessageId);
        line.Append(' ');
        AppendStructuredData(line, stored);
        var message = SyslogMessages.Describe(e);
        if (message.Length > 0)
        {
            line.Append(' ');
            AppendCleaned(line, message, MaxMessageChars, escapeStructured: false);
        }

        return line.ToString();
    }

    /// <summary>
    /// RFC 5424 severities: refused logins are warnings (4), denied flows, names and requests and the
    /// admins' audit trail notices (5), everything else informational (6).
    /// </summary>
    public static int Severity(TelemetryEvent e) =>
        e.Kind == EventKinds.Session && e.Action == SessionActions.Refused ? 4
        : e.Verdict == Verdicts.Denied || e.Kind == EventKinds.Audit ? 5
        : 6;

    /// <summary>The SD-PARAMs in a fixed order: the store's id, the gateway's sequence, then the event's non-null fields under their JSON names.</summary>
    public static IEnumerable<(string Name, string Value)> Parameters(StoredEvent stored)
    {
        var e = stored.Event;
        yield return ("id", Number(stored.Id));
        if (e.Sequence > 0)
        {
            yield return ("seq", Number(e.Sequence));
        }

        (string Name, string? Value)[] fields =
        [
            ("user", e.User), ("vpnAddress", e.VpnAddress), ("sessionId", e.SessionId), ("action", e.Action),
            ("verdict", e.Verdict), ("rule", e.Rule), ("protocol", e.Protocol), ("destination", e.Destination),
            ("port", Number(e.Port)), ("container", e.Container), ("service", e.Service), ("name", e.Name),
            ("queryType", e.QueryType), ("resultCode", e.ResultCode), ("answer", e.Answer), ("method", e.Method),
            ("path", e.Path), ("scheme", e.Scheme), ("publicAddress", e.PublicAddress), ("clientVersion", e.ClientVersion),
            ("reason", e.Reason),
            ("ended", e.Ended?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)),
            ("bytesFromClient", Number(e.BytesFromClient)), ("bytesToClient", Number(e.BytesToClient)),
            ("packetsFromClient", Number(e.PacketsFromClient)), ("packetsToClient", Number(e.PacketsToClient)),
        ];
        foreach (var (name, value) in fields)
        {
            if (value is not null)
            {
                yield return (name, value);
            }
        }
    }

    private static void AppendStructuredData(StringBuilder line, StoredEvent stored)
    {
        line.Append('[').Append(StructuredDataId);
        foreach (var (name, value) in Parameters(stored))
        {
            line.Append(' ').Append(name).Append("=\"");
            AppendCleaned(line, value, MaxValueChars, escapeStructured: true);
            line.Append('"');
        }

        line.Append(']');
    }

    /// <summary>HOSTNAME, MSGID: printable US-ASCII (33-126) only, anything else as "_"; empty as the NILVALUE "-".</summary>
    private static void AppendHeaderField(StringBuilder line, string? value, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            line.Append('-');
            return;
        }

        foreach (var c in value.AsSpan(0, Math.Min(value.Length, max)))
        {
            line.Append(c is >= '!' and <= '~' ? c : '_');
        }
    }

    /// <summary>
    /// Appends <paramref name="value"/> with control characters as <c>#ooo</c>, lone surrogates as
    /// U+FFFD and, inside structured data, <c>"</c> <c>\</c> <c>]</c> escaped with a backslash
    /// (RFC 5424 §6.3.3); at most <paramref name="max"/> characters, never cutting an escape or a
    /// surrogate pair.
    /// </summary>
    private static void AppendCleaned(StringBuilder line, string value, int max, bool escapeStructured)
    {
        // Units are appended while they fit; the first that would pass max - 1 marks where to cut,
        // so that a cut value plus "…" is still at most max. A value that fits whole is kept whole.
        var start = line.Length;
        var cut = -1;
        Span<char> unit = stackalloc char[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            int length;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                unit[0] = c;
                unit[1] = value[++i];
                length = 2;
            }
            else if (char.IsSurrogate(c))
            {
                unit[0] = '\uFFFD';
                length = 1;
            }
            else if (c < ' ' || c is >= '\u007F' and <= '\u009F')
            {
                unit[0] = '#';
                unit[1] = (char)('0' + ((c >> 6) & 7));
                unit[2] = (char)('0' + ((c >> 3) & 7));
                unit[3] = (char)('0' + (c & 7));
                length = 4;
            }
            else if (escapeStructured && c is '"' or '\\' or ']')
            {
                unit[0] = '\\';
                unit[1] = c;
                length = 2;
            }
            else
            {
                unit[0] = c;
                length = 1;
            }

            var used = line.Length - start;
            if (cut < 0 && used + length > max - Ellipsis.Length)
            {
                cut = line.Length;
            }

            if (used + length > max)
            {
                line.Length = cut;
                line.Append(Ellipsis);
                return;
            }

            line.Append(unit[..length]);
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}
