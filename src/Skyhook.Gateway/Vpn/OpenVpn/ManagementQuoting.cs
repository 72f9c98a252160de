using System.Text;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// Quoting for the management interface's command lexer (management-notes.txt, "Command Parsing":
/// the config-file lexer, where inside double quotes <c>\\</c> is a backslash and <c>\"</c> a quote).
/// A quoted parameter made here is always one parameter on one line, whatever the input: line
/// breaks and every other control or non-ASCII character become safe stand-ins before escaping.
/// </summary>
public static class ManagementQuoting
{
    /// <summary>Default cap on quoted free text (deny reasons), in characters. 256.</summary>
    public const int DefaultMaxLength = 256;

    /// <summary>
    /// <paramref name="text"/> as one double-quoted parameter: control characters become spaces,
    /// other characters outside printable ASCII become '?', backslash and double quote are escaped,
    /// and the text is cut to <paramref name="maxLength"/> characters (before escaping).
    /// </summary>
    public static string Quote(string text, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var result = new StringBuilder(Math.Min(text.Length, maxLength) + 8).Append('"');
        foreach (var c in Clean(text, maxLength))
        {
            if (c is '\\' or '"')
            {
                result.Append('\\');
            }
            result.Append(c);
        }
        return result.Append('"').ToString();
    }

    /// <summary>The text with control characters as spaces and non-ASCII as '?', trimmed and cut to <paramref name="maxLength"/>.</summary>
    public static string Clean(string text, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(Math.Min(text.Length, maxLength));
        foreach (var c in text)
        {
            if (result.Length == maxLength)
            {
                break;
            }
            result.Append(c switch
            {
                < ' ' or '\x7f' => ' ',
                > '~' => '?',
                _ => c,
            });
        }
        return result.ToString().Trim();
    }
}
