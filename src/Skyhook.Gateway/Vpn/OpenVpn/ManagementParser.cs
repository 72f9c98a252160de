using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// Turns the lines the OpenVPN 2.6 management interface writes (doc/management-notes.txt, "OUTPUT
/// FORMAT" and "The CLIENT notification") into typed events. One instance per connection: it keeps
/// the CLIENT notification whose ENV block is being read. It never throws on input: a line it cannot
/// use is logged (secrets hidden) and dropped, and a CLIENT block that breaks a limit is reported as
/// <see cref="ClientNotificationRefused"/> so that a waiting client can be denied. The output of a
/// command that answers with lines (<c>status</c>) is gathered up to its <c>END</c> into one
/// <see cref="CommandReply"/>, within <see cref="ManagementLimits.MaxReplyLines"/> and
/// <see cref="ManagementLimits.MaxReplyCharacters"/>.
/// </summary>
public sealed partial class ManagementParser
{
    private const string ClientPrefix = ">CLIENT:";
    private const string EnvPrefix = ">CLIENT:ENV,";
    private const string EnvEnd = ">CLIENT:ENV,END";
    private const int MaxNameLength = 256;

    private static readonly IReadOnlyList<ManagementEvent> None = [];

    // Real-time sources listed in management-notes.txt (plus NOTIFY and INFOMSG of 2.6).
    private static readonly HashSet<string> KnownSources = new(StringComparer.Ordinal)
    {
        "BYTECOUNT", "BYTECOUNT_CLI", "ECHO", "FATAL", "HOLD", "INFO", "INFOMSG", "LOG", "NEED-OK", "NEED-STR",
        "NEED-CERTIFICATE", "NOTIFY", "PASSWORD", "PK_SIGN", "RSA_SIGN", "PROXY", "REMOTE", "STATE", "PKCS11ID-COUNT",
    };

    private readonly ManagementLimits _limits;
    private readonly ILogger _logger;
    private PendingBlock? _block;
    private List<string>? _reply;
    private int _replyCharacters;
    private string? _replyRefusedBecause;

    public ManagementParser(ManagementLimits? limits = null, ILogger? logger = null)
    {
        _limits = limits ?? new ManagementLimits();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// One line without its line ending (a trailing CR is tolerated). Returns the events it
    /// completes: usually none or one; two when it cuts short an unfinished block.
    /// <paramref name="replyHasLines"/> says that the command waiting for its reply answers with
    /// lines closed by END (<see cref="ManagementCommand.ReplyHasLines"/>): a line that is neither
    /// a real-time message nor SUCCESS/ERROR then starts that reply.
    /// </summary>
    public IReadOnlyList<ManagementEvent> Feed(string line, bool replyHasLines = false)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.EndsWith('\r'))
        {
            line = line[..^1];
        }
        if (line.Length > _limits.MaxLineLength)
        {
            return FeedOversized(line.Length);
        }

        if (_block is not null)
        {
            if (line.StartsWith(EnvPrefix, StringComparison.Ordinal))
            {
                return ContinueBlock(_block, line);
            }
            // management-notes promises a CLIENT notification, its ENV lines and END are atomic;
            // anything else in between means the block is broken.
            var abandoned = Abandon("cut short by another line");
            var next = ParseLine(line);
            return abandoned is null ? next : [abandoned, .. next];
        }
        if (_reply is not null || (replyHasLines && !line.StartsWith('>') && !IsOneLineReply(line)))
        {
            return ContinueReply(line);
        }
        return ParseLine(line);
    }

    /// <summary>A line longer than <see cref="ManagementLimits.MaxLineLength"/> was seen and dropped by the reader.</summary>
    public IReadOnlyList<ManagementEvent> FeedOversized(int length)
    {
        Log.LineTooLong(_logger, length, _limits.MaxLineLength);
        if (_block is not null)
        {
            // We lost part of the block (maybe the password, maybe the END): nothing in it can be trusted.
            _block.Refuse($"a line of {length} characters exceeds the limit of {_limits.MaxLineLength}");
        }
        return None;
    }

    /// <summary>The connection ended: an unfinished block is refused (an unfinished reply is dropped: its command fails anyway).</summary>
    public IReadOnlyList<ManagementEvent> Complete()
    {
        _reply = null;
        var abandoned = Abandon("the connection ended inside the block");
        return abandoned is null ? None : [abandoned];
    }

    private static bool IsOneLineReply(string line) =>
        line.StartsWith("SUCCESS:", StringComparison.Ordinal) || line.StartsWith("ERROR:", StringComparison.Ordinal);

    private IReadOnlyList<ManagementEvent> ContinueReply(string line)
    {
        // openvpn writes a command's output in one go, but a real-time message between its lines
        // must still reach its consumer rather than end up in the reply.
        if (line.StartsWith('>'))
        {
            return ParseLine(line);
        }
        var reply = _reply ??= [];
        if (line == "END")
        {
            _reply = null;
            _replyCharacters = 0;
            if (_replyRefusedBecause is { } reason)
            {
                _replyRefusedBecause = null;
                Log.ReplyRefused(_logger, reason);
                return [new CommandReply(false, "reply refused: " + reason)];
            }
            return [new CommandReply(true, "", reply)];
        }
        if (_replyRefusedBecause is not null)
        {
            return None;
        }
        if (reply.Count >= _limits.MaxReplyLines)
        {
            RefuseReply($"more than {_limits.MaxReplyLines} lines");
        }
        else if (_replyCharacters + line.Length > _limits.MaxReplyCharacters)
        {
            RefuseReply($"more than {_limits.MaxReplyCharacters} characters");
        }
        else
        {
            reply.Add(line);
            _replyCharacters += line.Length;
        }
        return None;
    }

    private void RefuseReply(string reason)
    {
        _replyRefusedBecause = reason;
        // Keep nothing of it; memory stays bounded while the rest is read to its END.
        _reply = [];
    }

    private IReadOnlyList<ManagementEvent> ParseLine(string line)
    {
        if (line.StartsWith("SUCCESS:", StringComparison.Ordinal))
        {
            return [new CommandReply(true, line["SUCCESS:".Length..].Trim())];
        }
        if (line.StartsWith("ERROR:", StringComparison.Ordinal))
        {
            return [new CommandReply(false, line["ERROR:".Length..].Trim())];
        }
        if (line.StartsWith(ClientPrefix, StringComparison.Ordinal))
        {
            return ParseClientHeader(line);
        }
        if (line.StartsWith('>'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var source = colon > 1 ? line[1..colon] : "";
            if (KnownSources.Contains(source))
            {
                return [new ManagementNotification(source, line[(colon + 1)..])];
            }
        }
        Log.IgnoredLine(_logger, ManagementText.LineForLog(line));
        return None;
    }

    private IReadOnlyList<ManagementEvent> ParseClientHeader(string line)
    {
        if (line.StartsWith(EnvPrefix, StringComparison.Ordinal))
        {
            Log.EnvironmentOutsideBlock(_logger, ManagementText.LineForLog(line));
            return None;
        }

        var fields = line[ClientPrefix.Length..].Split(',');
        var kind = fields[0];
        switch (kind)
        {
            case "CONNECT" or "REAUTH" or "CR_RESPONSE":
                if (fields.Length < 3 || !TryParseId(fields[1], out var cid) || !TryParseId(fields[2], out var kid)
                    || (kind != "CR_RESPONSE" && fields.Length != 3))
                {
                    return Malformed(kind, line);
                }
                _block = new PendingBlock(kind, cid, kid, ignored: kind == "CR_RESPONSE");
                return None;
            case "ESTABLISHED" or "DISCONNECT":
                if (fields.Length != 2 || !TryParseId(fields[1], out var id))
                {
                    return Malformed(kind, line);
                }
                _block = new PendingBlock(kind, id, null, ignored: false);
                return None;
            case "ADDRESS":
                return ParseAddress(fields, line);
            default:
                // A notification type newer than this code: swallow the ENV block it may carry.
                Log.IgnoredLine(_logger, ManagementText.LineForLog(line));
                _block = new PendingBlock(kind, 0, null, ignored: true);
                return None;
        }
    }

    private IReadOnlyList<ManagementEvent> ParseAddress(string[] fields, string line)
    {
        // >CLIENT:ADDRESS,{CID},{ADDR},{PRI} with ADDR 1.2.3.4 or 1.2.3.0/255.255.255.0 (or an IPv6 prefix).
        if (fields.Length != 4 || !TryParseId(fields[1], out var cid) || fields[3] is not ("0" or "1"))
        {
            Log.MalformedLine(_logger, "ADDRESS", ManagementText.LineForLog(line));
            return None;
        }
        var parts = fields[2].Split('/');
        if (parts.Length > 2 || !TryParseAddress(parts[0], out var address))
        {
            Log.MalformedLine(_logger, "ADDRESS", ManagementText.LineForLog(line));
            return None;
        }
        int? prefixLength = null;
        if (parts.Length == 2)
        {
            if (TryParseAddress(parts[1], out var mask) && mask.AddressFamily == AddressFamily.InterNetwork && TryMaskLength(mask, out var length))
            {
                prefixLength = length;
            }
            else if (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var bits)
                && bits <= (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) && parts[1].Length <= 3)
            {
                prefixLength = bits;
            }
            else
            {
                Log.MalformedLine(_logger, "ADDRESS", ManagementText.LineForLog(line));
                return None;
            }
        }
        return [new ClientAddress(cid, address, prefixLength, fields[3] == "1")];
    }

    private IReadOnlyList<ManagementEvent> Malformed(string kind, string line)
    {
        Log.MalformedLine(_logger, kind, ManagementText.LineForLog(line));
        // Still swallow its ENV lines, so that they are not reported one by one as strays.
        _block = new PendingBlock(kind, 0, null, ignored: true);
        return None;
    }

    private IReadOnlyList<ManagementEvent> ContinueBlock(PendingBlock block, string line)
    {
        if (line.Length == EnvEnd.Length && line == EnvEnd)
        {
            _block = null;
            return Finish(block);
        }
        if (block.Ignored || block.RefusedBecause is not null)
        {
            return None;
        }

        var entry = line.AsSpan(EnvPrefix.Length);
        var equals = entry.IndexOf('=');
        if (equals <= 0 || equals > MaxNameLength)
        {
            // OpenVPN writes name=value; a line without a usable name is dropped, the block kept.
            Log.MalformedLine(_logger, block.Kind, ManagementText.LineForLog(line));
            return None;
        }
        var name = entry[..equals].ToString();
        var value = entry[(equals + 1)..].ToString();
        if (block.Environment.Count >= _limits.MaxEnvironmentEntries)
        {
            block.Refuse($"more than {_limits.MaxEnvironmentEntries} variables");
        }
        else if (block.Characters + name.Length + value.Length > _limits.MaxEnvironmentCharacters)
        {
            block.Refuse($"more than {_limits.MaxEnvironmentCharacters} characters of variables");
        }
        else if (!block.Environment.TryAdd(name, value))
        {
            // OpenVPN's env set has one entry per name; a second "username" or "password" means
            // someone managed to forge a line.
            block.Refuse($"variable {ManagementText.ForLog(name, 64)} appears twice");
        }
        else
        {
            block.Characters += name.Length + value.Length;
        }
        return None;
    }

    private IReadOnlyList<ManagementEvent> Finish(PendingBlock block)
    {
        if (block.Ignored)
        {
            return None;
        }
        if (block.RefusedBecause is { } reason)
        {
            Log.BlockRefused(_logger, block.Kind, block.ClientId, reason);
            return [new ClientNotificationRefused(block.Kind, block.ClientId, block.KeyId, reason)];
        }

        var environment = new ClientEnvironment(block.Environment);
        return block.Kind switch
        {
            "CONNECT" => [new ClientConnect(block.ClientId, block.KeyId!.Value, environment)],
            "REAUTH" => [new ClientReauth(block.ClientId, block.KeyId!.Value, environment)],
            "ESTABLISHED" => [new ClientEstablished(block.ClientId, environment)],
            "DISCONNECT" => [new ClientDisconnect(block.ClientId, environment, Counter(block, environment, "bytes_received"), Counter(block, environment, "bytes_sent"))],
            _ => None,
        };
    }

    private ulong? Counter(PendingBlock block, ClientEnvironment environment, string name)
    {
        if (environment.Get(name) is not { } text)
        {
            return null;
        }
        if (TryParseId(text, out var value))
        {
            return value;
        }
        Log.MalformedCounter(_logger, block.Kind, block.ClientId, name);
        return null;
    }

    private ClientNotificationRefused? Abandon(string why)
    {
        var block = _block;
        _block = null;
        if (block is null || block.Ignored)
        {
            return null;
        }
        var reason = block.RefusedBecause ?? why;
        Log.BlockRefused(_logger, block.Kind, block.ClientId, reason);
        return new ClientNotificationRefused(block.Kind, block.ClientId, block.KeyId, reason);
    }

    // Decimal digits only: no sign, no spaces, no hex, no overflow (CID and KID are unsigned longs in OpenVPN).
    private static bool TryParseId(string text, out ulong value)
    {
        value = 0;
        return text.Length is > 0 and <= 20 && text.All(char.IsAsciiDigit)
            && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Length is 0 or > 45 || !text.All(c => char.IsAsciiHexDigit(c) || c is '.' or ':'))
        {
            return false;
        }
        if (!IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }
        // IPAddress.TryParse reads "10" as 0.0.0.10; OpenVPN always writes dotted quads.
        if (parsed.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3)
        {
            return false;
        }
        address = parsed;
        return true;
    }

    private static bool TryMaskLength(IPAddress mask, out int length)
    {
        var bytes = mask.GetAddressBytes();
        var bits = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        length = System.Numerics.BitOperations.PopCount(bits);
        // A netmask is ones then zeros.
        return bits == (length == 0 ? 0u : uint.MaxValue << (32 - length));
    }

    private sealed class PendingBlock(string kind, ulong clientId, ulong? keyId, bool ignored)
    {
        public string Kind { get; } = kind;
        public ulong ClientId { get; } = clientId;
        public ulong? KeyId { get; } = keyId;
        public bool Ignored { get; } = ignored;
        public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);
        public int Characters { get; set; }
        public string? RefusedBecause { get; private set; }

        public void Refuse(string reason)
        {
            RefusedBecause ??= reason;
            // Keep nothing from a refused block; memory stays bounded while its lines are swallowed.
            Environment.Clear();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4120, Level = LogLevel.Debug, Message = "Ignored a management line: {Line}")]
        public static partial void IgnoredLine(ILogger logger, string line);

        [LoggerMessage(EventId = 4121, Level = LogLevel.Warning, Message = "Refused a management line of {Length} characters (limit {Limit})")]
        public static partial void LineTooLong(ILogger logger, int length, int limit);

        [LoggerMessage(EventId = 4122, Level = LogLevel.Warning, Message = "Ignored a malformed CLIENT:{Kind} line: {Line}")]
        public static partial void MalformedLine(ILogger logger, string kind, string line);

        [LoggerMessage(EventId = 4123, Level = LogLevel.Warning, Message = "Refused the CLIENT:{Kind} notification of client {ClientId}: {Reason}")]
        public static partial void BlockRefused(ILogger logger, string kind, ulong clientId, string reason);

        [LoggerMessage(EventId = 4124, Level = LogLevel.Warning, Message = "Ignored an ENV line outside a CLIENT notification: {Line}")]
        public static partial void EnvironmentOutsideBlock(ILogger logger, string line);

        [LoggerMessage(EventId = 4125, Level = LogLevel.Warning, Message = "CLIENT:{Kind} of client {ClientId}: {Name} is not a number")]
        public static partial void MalformedCounter(ILogger logger, string kind, ulong clientId, string name);

        [LoggerMessage(EventId = 4126, Level = LogLevel.Warning, Message = "Refused a command's multi-line reply: {Reason}")]
        public static partial void ReplyRefused(ILogger logger, string reason);
    }
}
