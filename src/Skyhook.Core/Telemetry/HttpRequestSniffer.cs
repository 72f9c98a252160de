using System.Text;

namespace Skyhook.Core.Telemetry;

/// <summary>
/// Reads the head of an HTTP/1.x request from the first bytes a client sent on a TCP connection,
/// whatever the port: the request line (a known method, a target of visible ASCII, <c>HTTP/1.0</c> or
/// <c>HTTP/1.1</c>) and the Host header. Bounded and allocation-light: it never reads past
/// <see cref="MaxHead"/> bytes, never throws on any input, and gives up (<see cref="SniffResult.Unrecognized"/>)
/// on the first byte that does not fit, so binary protocols are told apart in a few bytes.
/// </summary>
public static class HttpRequestSniffer
{
    /// <summary>The longest target kept; a longer one is cut to this many characters.</summary>
    public const int MaxPath = 2048;

    /// <summary>The most bytes of a request head read: beyond it a request without Host is given as found without it.</summary>
    public const int MaxHead = 16384;

    private const int MaxTarget = 8192;
    private const int MaxHost = 261;

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"];

    /// <summary>
    /// <see cref="SniffResult.Found"/> with the head once the Host header or the end of the headers is
    /// read (or <see cref="MaxHead"/> bytes were, without a Host); <see cref="SniffResult.Incomplete"/> while the bytes
    /// are a valid beginning, with <paramref name="head"/> set once the request line is complete.
    /// </summary>
    public static SniffResult Sniff(ReadOnlySpan<byte> data, out HttpRequestHead? head)
    {
        head = null;
        if (data.Length > MaxHead)
        {
            data = data[..MaxHead];
        }

        var method = MatchMethod(data);
        if (method is null)
        {
            return IsMethodPrefix(data) ? SniffResult.Incomplete : SniffResult.Unrecognized;
        }

        var rest = data[(method.Length + 1)..];
        var targetLength = rest.IndexOf((byte)' ');
        if (targetLength < 0)
        {
            return rest.Length <= MaxTarget && IsVisible(rest) ? Incomplete(data) : SniffResult.Unrecognized;
        }

        if (targetLength is 0 or > MaxTarget || !IsVisible(rest[..targetLength]))
        {
            return SniffResult.Unrecognized;
        }

        var target = rest[..targetLength];
        rest = rest[(targetLength + 1)..];
        var version = "HTTP/1.x"u8;
        for (var i = 0; i < version.Length; i++)
        {
            if (i >= rest.Length)
            {
                return Incomplete(data);
            }

            var fits = i == version.Length - 1 ? rest[i] is (byte)'0' or (byte)'1' : rest[i] == version[i];
            if (!fits)
            {
                return SniffResult.Unrecognized;
            }
        }

        rest = rest[version.Length..];
        switch (EndOfLine(rest, out var lineEnd))
        {
            case SniffResult.Incomplete:
                return Incomplete(data);
            case SniffResult.Unrecognized:
                return SniffResult.Unrecognized;
        }

        var path = Encoding.ASCII.GetString(target.Length > MaxPath ? target[..MaxPath] : target);
        head = new HttpRequestHead(method, path, null);
        rest = rest[lineEnd..];
        while (true)
        {
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                // A head cut at the bound: what there is, without the Host.
                return data.Length >= MaxHead ? SniffResult.Found : SniffResult.Incomplete;
            }

            var line = rest[..newline];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            rest = rest[(newline + 1)..];
            if (line.IsEmpty)
            {
                return SniffResult.Found;
            }

            if (!IsHeaderLine(line))
            {
                head = null;
                return SniffResult.Unrecognized;
            }

            if (line.Length > 5 && Ascii.EqualsIgnoreCase(line[..5], "host:"u8))
            {
                var value = line[5..].Trim(" \t"u8);
                if (value.IsEmpty || value.Length > MaxHost || !IsHostText(value))
                {
                    // A Host no name can have: the request is still one, its Host is not told.
                    return SniffResult.Found;
                }

                head = head with { Host = Encoding.ASCII.GetString(value).ToLowerInvariant() };
                return SniffResult.Found;
            }
        }
    }

    private static SniffResult Incomplete(ReadOnlySpan<byte> data) =>
        data.Length >= MaxHead ? SniffResult.Unrecognized : SniffResult.Incomplete;

    private static string? MatchMethod(ReadOnlySpan<byte> data)
    {
        foreach (var method in Methods)
        {
            if (data.Length > method.Length && data[method.Length] == (byte)' ' && Ascii.Equals(data[..method.Length], method))
            {
                return method;
            }
        }

        return null;
    }

    /// <summary>True when the bytes (fewer than a method and its space) could still begin one.</summary>
    private static bool IsMethodPrefix(ReadOnlySpan<byte> data)
    {
        foreach (var method in Methods)
        {
            if (data.Length <= method.Length && Ascii.Equals(data, method.AsSpan(0, data.Length)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>CRLF or a bare LF right at the start; its length in <paramref name="length"/>.</summary>
    private static SniffResult EndOfLine(ReadOnlySpan<byte> rest, out int length)
    {
        length = 0;
        if (rest.IsEmpty || (rest[0] == (byte)'\r' && rest.Length == 1))
        {
            return SniffResult.Incomplete;
        }

        length = rest[0] == (byte)'\n' ? 1 : rest[0] == (byte)'\r' && rest[1] == (byte)'\n' ? 2 : 0;
        return length > 0 ? SniffResult.Found : SniffResult.Unrecognized;
    }

    private static bool IsVisible(ReadOnlySpan<byte> text) => !text.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E);

    /// <summary>A field name of token characters, a colon, and a value of visible ASCII, spaces and tabs (obsolete folding refused).</summary>
    private static bool IsHeaderLine(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        foreach (var b in line[..colon])
        {
            if (b is <= 0x20 or >= 0x7F or (byte)'(' or (byte)')' or (byte)',' or (byte)'/' or (byte)';' or (byte)'<' or (byte)'=' or (byte)'>' or (byte)'?' or (byte)'@' or (byte)'[' or (byte)'\\' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'"')
            {
                return false;
            }
        }

        foreach (var b in line[(colon + 1)..])
        {
            if (b is < 0x20 and not (byte)'\t' or 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A host name or address, with an optional port: letters, digits and <c>. - _ : [ ]</c>.</summary>
    private static bool IsHostText(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'-' or (byte)'_' or (byte)':' or (byte)'[' or (byte)']'))
            {
                return false;
            }
        }

        return true;
    }
}
