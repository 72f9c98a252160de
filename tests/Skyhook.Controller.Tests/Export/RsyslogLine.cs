using System.Globalization;
using System.Text.Json;

namespace Skyhook.Controller.Tests.Export;

/// <summary>One message as rsyslog parsed it (the fields of <see cref="Rsyslog"/>'s template).</summary>
internal sealed record RsyslogLine(
    string Version, int Priority, string Timestamp, string HostName, string AppName, string ProcId, string MessageId,
    IReadOnlyDictionary<string, string> Parameters, string Message)
{
    public static RsyslogLine Parse(string line)
    {
        var fields = line.Split('\t');
        Assert.True(fields.Length == 9, "rsyslog wrote an unexpected line: " + line);
        using var json = JsonDocument.Parse(fields[7]);
        // Only the one element under Skyhook's SD-ID: rsyslog must have kept the ID exactly.
        var parameters = json.RootElement.GetProperty("rfc5424-sd").GetProperty("skyhook@32473")
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        return new RsyslogLine(fields[0], int.Parse(fields[1], CultureInfo.InvariantCulture), fields[2], fields[3], fields[4],
            fields[5], fields[6], parameters, fields[8]);
    }
}
