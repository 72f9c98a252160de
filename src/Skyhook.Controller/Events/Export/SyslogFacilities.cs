using System.Globalization;

namespace Skyhook.Controller.Events.Export;

/// <summary>The syslog facilities of RFC 5424 §6.2.1 by their usual names (those of rsyslog and syslog.h).</summary>
public static class SyslogFacilities
{
    private static readonly string[] Names =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "ntp", "security", "console", "solaris-cron",
        "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    /// <summary>A facility by name (<c>local0</c>) or number (<c>16</c>); null when it is neither.</summary>
    public static int? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var index = Array.FindIndex(Names, name => string.Equals(name, value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            return index;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= 23 ? number : null;
    }
}
