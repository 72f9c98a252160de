using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Skyhook.Controller.Tests.Export;

/// <summary>
/// A strict reader of RFC 5424 §6 (the ABNF), for checking what the formatter writes: anything the
/// grammar does not allow throws <see cref="FormatException"/> saying where.
/// </summary>
internal static partial class Rfc5424
{
    public static Rfc5424Message Parse(byte[] bytes)
    {
        // MSG may be any octets, but everything Skyhook writes is UTF-8; a strict decoder proves it.
        var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        return Parse(text);
    }

    public static Rfc5424Message Parse(string text)
    {
        var at = 0;
        if (text.Length == 0 || text[0] != '<')
        {
            throw Fail(text, 0, "PRI must start with '<'");
        }

        var close = text.IndexOf('>', StringComparison.Ordinal);
        var pri = text[1..Math.Max(1, close)];
        if (close < 2 || pri.Length > 3 || !pri.All(char.IsAsciiDigit) || (pri.Length > 1 && pri[0] == '0') || int.Parse(pri, CultureInfo.InvariantCulture) > 191)
        {
            throw Fail(text, 1, "PRI is 1-3 digits, 0-191");
        }

        at = close + 1;
        var version = Token(text, ref at, 3, "VERSION");
        if (version[0] == '0' || !version.All(char.IsAsciiDigit))
        {
            throw Fail(text, at, "VERSION is a non-zero number");
        }

        Space(text, ref at);
        var timestamp = Token(text, ref at, 64, "TIMESTAMP");
        if (timestamp != "-" && !TimestampPattern().IsMatch(timestamp))
        {
            throw Fail(text, at, $"TIMESTAMP '{timestamp}' is not RFC 3339 as RFC 5424 §6.2.3 restricts it");
        }

        Space(text, ref at);
        var host = Token(text, ref at, 255, "HOSTNAME");
        Space(text, ref at);
        var app = Token(text, ref at, 48, "APP-NAME");
        Space(text, ref at);
        var procId = Token(text, ref at, 128, "PROCID");
        Space(text, ref at);
        var msgId = Token(text, ref at, 32, "MSGID");
        Space(text, ref at);

        var elements = new List<(string, IReadOnlyList<KeyValuePair<string, string>>)>();
        if (at < text.Length && text[at] == '-')
        {
            at++;
        }
        else
        {
            while (at < text.Length && text[at] == '[')
            {
                elements.Add(Element(text, ref at));
            }

            if (elements.Count == 0)
            {
                throw Fail(text, at, "STRUCTURED-DATA is '-' or SD-ELEMENTs");
            }
        }

        string? message = null;
        if (at < text.Length)
        {
            Space(text, ref at);
            message = text[at..];
        }

        return new Rfc5424Message(int.Parse(pri, CultureInfo.InvariantCulture), int.Parse(version, CultureInfo.InvariantCulture), timestamp, host, app, procId, msgId, elements, message);
    }

    private static (string, IReadOnlyList<KeyValuePair<string, string>>) Element(string text, ref int at)
    {
        at++; // '['
        var id = SdName(text, ref at, "SD-ID");
        var parameters = new List<KeyValuePair<string, string>>();
        while (at < text.Length && text[at] == ' ')
        {
            at++;
            var name = SdName(text, ref at, "PARAM-NAME");
            if (at + 1 >= text.Length || text[at] != '=' || text[at + 1] != '"')
            {
                throw Fail(text, at, "SD-PARAM is NAME=\"VALUE\"");
            }

            at += 2;
            var value = new StringBuilder();
            while (true)
            {
                if (at >= text.Length)
                {
                    throw Fail(text, at, "PARAM-VALUE not closed");
                }

                var c = text[at++];
                if (c == '"')
                {
                    break;
                }

                if (c == ']')
                {
                    throw Fail(text, at - 1, "']' in PARAM-VALUE must be escaped");
                }

                if (c == '\\' && at < text.Length && text[at] is '"' or '\\' or ']')
                {
                    value.Append(text[at++]);
                }
                else if (c == '\\')
                {
                    // §6.3.3: a backslash before any other character is a backslash... but Skyhook
                    // always escapes its backslashes, so an unescaped one means the escaping failed.
                    throw Fail(text, at - 1, "unescaped '\\' in PARAM-VALUE");
                }
                else
                {
                    value.Append(c);
                }
            }

            parameters.Add(new(name, value.ToString()));
        }

        if (at >= text.Length || text[at] != ']')
        {
            throw Fail(text, at, "SD-ELEMENT must end with ']'");
        }

        at++;
        return (id, parameters);
    }

    private static string SdName(string text, ref int at, string what)
    {
        var start = at;
        while (at < text.Length && text[at] is >= '!' and <= '~' and not ('=' or ']' or '"') && at - start < 33)
        {
            at++;
        }

        if (at == start || at - start > 32)
        {
            throw Fail(text, start, $"{what} is 1-32 printable ASCII characters other than '=', ']', '\"'");
        }

        return text[start..at];
    }

    /// <summary>A header field: 1..max printable US-ASCII characters (33-126).</summary>
    private static string Token(string text, ref int at, int max, string what)
    {
        var start = at;
        while (at < text.Length && text[at] is >= '!' and <= '~')
        {
            at++;
        }

        if (at == start || at - start > max)
        {
            throw Fail(text, start, $"{what} is 1-{max} printable ASCII characters");
        }

        return text[start..at];
    }

    private static void Space(string text, ref int at)
    {
        if (at >= text.Length || text[at] != ' ')
        {
            throw Fail(text, at, "expected one space");
        }

        at++;
    }

    private static FormatException Fail(string text, int at, string what) =>
        new($"Not RFC 5424 at {at}: {what}. Message: {text}");

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex TimestampPattern();
}
