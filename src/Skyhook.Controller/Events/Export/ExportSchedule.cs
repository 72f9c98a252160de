namespace Skyhook.Controller.Events.Export;

/// <summary>How an <see cref="EventExporter"/> paces itself; not a setting (tests shorten it).</summary>
/// <param name="BatchSize">The most events read and sent at once.</param>
/// <param name="PollInterval">How long to wait when the store has nothing new.</param>
/// <param name="FirstBackoff">The wait after a first failure (half to all of it: <c>Backoff</c>'s jitter); it doubles with each further one.</param>
/// <param name="MaxBackoff">The longest wait between attempts while a sink or the store is failing.</param>
public sealed record ExportSchedule(int BatchSize, TimeSpan PollInterval, TimeSpan FirstBackoff, TimeSpan MaxBackoff)
{
    public static readonly ExportSchedule Default = new(500, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
}
