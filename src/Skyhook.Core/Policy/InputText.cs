using System.Globalization;
using System.Text;

namespace Skyhook.Core.Policy;

/// <summary>
/// Shows admin input inside error messages. Those messages reach logs, API problem details and
/// terminals, so a newline or an invisible character in a bad name must not forge a log line or hide
/// what is wrong: such characters are escaped, and very long input is cut short.
/// </summary>
internal static class InputText
{
    private const int MaxShown = 80;

    /// <summary>The text in single quotes, with control and invisible characters escaped.</summary>
    public static string Quote(string text)
    {
        var shown = text.Length > MaxShown ? text[..MaxShown] : text;
        var quoted = new StringBuilder(shown.Length + 5).Append('\'');
        foreach (var c in shown)
        {
            quoted.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when IsInvisible(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }

        return quoted.Append(text.Length > MaxShown ? "...'" : "'").ToString();
    }

    /// <summary>Names a character for a message such as "contains a space".</summary>
    public static string Describe(char c) => c switch
    {
        ' ' => "a space",
        '\n' => "a newline",
        '\r' => "a carriage return",
        '\t' => "a tab",
        '"' => "a double quote",
        '\'' => "a single quote",
        ',' => "a comma",
        _ when IsInvisible(c) => string.Create(CultureInfo.InvariantCulture, $"the invisible character U+{(int)c:X4}"),
        _ when char.IsWhiteSpace(c) => string.Create(CultureInfo.InvariantCulture, $"the space character U+{(int)c:X4}"),
        _ => $"'{c}'",
    };

    /// <summary>Control characters, and format characters such as zero-width spaces and bidi overrides.</summary>
    public static bool IsInvisible(char c) =>
        char.IsControl(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format
            or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator;
}
