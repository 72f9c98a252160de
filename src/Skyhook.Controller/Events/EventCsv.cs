using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Skyhook.Controller.Events;

/// <summary>
/// Events as CSV (RFC 4180: a header row of the JSON field names, CRLF, fields with a comma, quote
/// or line break quoted, quotes doubled). Text that a spreadsheet would run as a formula (starting
/// with <c>= + - @</c>, tab or CR) gets a leading <c>'</c>: event fields come from VPN users.
/// </summary>
public static class EventCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly JsonTypeInfo View = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() }
        .GetTypeInfo(typeof(EventView));

    public static string Write(IEnumerable<StoredEvent> stored)
    {
        var properties = View.Properties;
        var csv = new StringBuilder();
        csv.AppendJoin(',', properties.Select(p => p.Name)).Append("\r\n");
        foreach (var e in stored.Select(EventView.From))
        {
            for (var i = 0; i < properties.Count; i++)
            {
                if (i > 0)
                {
                    csv.Append(',');
                }

                csv.Append(Cell(properties[i].Get!(e)));
            }

            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>One field: times in UTC ISO 8601 with milliseconds, numbers invariant, text made safe and quoted when needed.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        string text => Quote(Defuse(text)),
        DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(Defuse(value.ToString() ?? "")),
    };

    private static string Defuse(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
