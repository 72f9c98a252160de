using System.Text;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

/// <summary>
/// A stand-in (written for these tests, not OpenVPN's code) for the lexer the management interface
/// uses on each command line (management-notes.txt, "Command Parsing"): whitespace separates
/// parameters, double or single quotes enclose them, and outside single quotes \\ is a backslash,
/// \" a quote and \SPACE a space. The real lexer is exercised by the openvpn integration test.
/// </summary>
internal static class ConfigLexer
{
    public static List<string> Split(string line)
    {
        var parameters = new List<string>();
        var current = new StringBuilder();
        var inToken = false;
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\'' && c == '\\' && i + 1 < line.Length && line[i + 1] is '\\' or '"' or ' ' or '\t')
            {
                current.Append(line[++i]);
                inToken = true;
            }
            else if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inToken = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken)
                {
                    parameters.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }
        if (quote != '\0')
        {
            throw new FormatException("unterminated quote");
        }
        if (inToken)
        {
            parameters.Add(current.ToString());
        }
        return parameters;
    }
}
