namespace Skyhook.Controller.Events.Export;

/// <summary>Where an exporter starts when it has no cursor yet (its first start, or its cursor file was removed).</summary>
public static class ExportStart
{
    /// <summary>From the oldest event the store still holds (retention bounds how many): nothing stored is missed. The default.</summary>
    public const string Beginning = "beginning";

    /// <summary>From the events stored after the exporter's first start: for a receiver that must not get the history.</summary>
    public const string End = "end";

    public static bool IsValid(string? value) => value is Beginning or End;
}
