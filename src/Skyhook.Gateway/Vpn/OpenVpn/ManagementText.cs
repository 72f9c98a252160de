using System.Text;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>Makes untrusted protocol text safe for a log line: control characters replaced, length capped.</summary>
internal static class ManagementText
{
    public static string ForLog(string? text, int maxLength = 200)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var result = new StringBuilder(Math.Min(text.Length, maxLength) + 3);
        foreach (var c in text.Length > maxLength ? text[..maxLength] : text)
        {
            result.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        }
        if (text.Length > maxLength)
        {
            result.Append("...");
        }
        return result.ToString();
    }

    /// <summary>
    /// A line as it may be logged. An ENV line shows its name only (its value may be a password);
    /// anything else is shortened and cleaned.
    /// </summary>
    public static string LineForLog(string line)
    {
        const string envPrefix = ">CLIENT:ENV,";
        if (line.StartsWith(envPrefix, StringComparison.Ordinal))
        {
            var equals = line.IndexOf('=', envPrefix.Length);
            var name = equals < 0 ? line[envPrefix.Length..] : line[envPrefix.Length..equals];
            return envPrefix + ForLog(name, 64) + (equals < 0 ? "" : "=...");
        }
        // Nothing else OpenVPN sends carries a password, but a stray SCRV1 or token must not leak
        // through a line we failed to understand.
        if (line.Contains("SCRV1", StringComparison.OrdinalIgnoreCase) || line.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            return ForLog(line, 24) + " (rest hidden)";
        }
        return ForLog(line, 160);
    }
}
