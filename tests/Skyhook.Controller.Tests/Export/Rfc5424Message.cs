namespace Skyhook.Controller.Tests.Export;

/// <summary>A syslog message as <see cref="Rfc5424"/> read it; structured-data values unescaped.</summary>
internal sealed record Rfc5424Message(
    int Priority,
    int Version,
    string Timestamp,
    string HostName,
    string AppName,
    string ProcId,
    string MessageId,
    IReadOnlyList<(string Id, IReadOnlyList<KeyValuePair<string, string>> Parameters)> StructuredData,
    string? Message)
{
    public IReadOnlyDictionary<string, string> Parameters(string id) =>
        StructuredData.Single(element => element.Id == id).Parameters.ToDictionary();
}
