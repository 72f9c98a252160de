using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// Reads the byte counters per client out of <c>status 3</c> output (tab-separated; management-notes.txt
/// "COMMAND -- status", the server's CLIENT_LIST). Columns are found by the <c>HEADER CLIENT_LIST</c>
/// line ("Bytes Received", "Bytes Sent", "Client ID"); without one, OpenVPN 2.4-2.6's order is assumed.
/// Pure: a line it cannot use (too few fields, a counter or client id that is not a number) is skipped
/// with a debug log and the rest is still read.
/// </summary>
public static partial class OpenVpnStatus
{
    private const string ClientListTag = "CLIENT_LIST";

    // CLIENT_LIST, Common Name, Real Address, Virtual Address, Virtual IPv6 Address, Bytes Received,
    // Bytes Sent, Connected Since, Connected Since (time_t), Username, Client ID, Peer ID, Data Channel Cipher.
    private static readonly Columns Default = new(5, 6, 10);

    /// <summary>The counters by client id; the first line wins when openvpn lists a client id twice.</summary>
    public static IReadOnlyDictionary<ulong, ClientTraffic> ClientTraffic(IEnumerable<string> lines, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var log = logger ?? NullLogger.Instance;
        var columns = Default;
        var result = new Dictionary<ulong, ClientTraffic>();
        foreach (var line in lines)
        {
            var fields = line.Split('\t');
            if (fields.Length > 1 && fields[0] == "HEADER" && fields[1] == ClientListTag)
            {
                // The header names the columns after its own "HEADER" field.
                var names = fields.AsSpan(1);
                var header = new Columns(names.IndexOf("Bytes Received"), names.IndexOf("Bytes Sent"), names.IndexOf("Client ID"));
                if (header.BytesReceived < 0 || header.BytesSent < 0 || header.ClientId < 0)
                {
                    Log.UnusableHeader(log, ManagementText.ForLog(line));
                    header = Default;
                }
                columns = header;
                continue;
            }
            if (!line.StartsWith(ClientListTag, StringComparison.Ordinal))
            {
                continue;
            }
            if (fields[0] != ClientListTag
                || fields.Length <= columns.Last
                || !TryParseCounter(fields[columns.ClientId], out var clientId)
                || !TryParseCounter(fields[columns.BytesReceived], out var received)
                || !TryParseCounter(fields[columns.BytesSent], out var sent))
            {
                Log.IgnoredLine(log, ManagementText.ForLog(line));
                continue;
            }
            // openvpn's counters are unsigned 64-bit; past 8 EiB a session shows the largest long.
            result.TryAdd(clientId, new ClientTraffic(clientId, Clamp(received), Clamp(sent)));
        }
        return result;
    }

    private static long Clamp(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    // Decimal digits only: no sign, spaces, hex or overflow.
    private static bool TryParseCounter(string text, out ulong value)
    {
        value = 0;
        return text.Length is > 0 and <= 20 && text.All(char.IsAsciiDigit)
            && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private sealed record Columns(int BytesReceived, int BytesSent, int ClientId)
    {
        public int Last => Math.Max(ClientId, Math.Max(BytesReceived, BytesSent));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4127, Level = LogLevel.Debug, Message = "Ignored a status CLIENT_LIST line: {Line}")]
        public static partial void IgnoredLine(ILogger logger, string line);

        [LoggerMessage(EventId = 4128, Level = LogLevel.Debug, Message = "A status CLIENT_LIST header without byte or client id columns, assuming OpenVPN 2.6's order: {Line}")]
        public static partial void UnusableHeader(ILogger logger, string line);
    }
}
