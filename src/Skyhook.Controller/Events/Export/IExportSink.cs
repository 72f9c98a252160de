namespace Skyhook.Controller.Events.Export;

/// <summary>Where an <see cref="EventExporter"/> sends events: a syslog receiver, a file.</summary>
public interface IExportSink
{
    /// <summary>The sink's name in logs and in its cursor file (<c>DATA/export/NAME.cursor</c>).</summary>
    public string Name { get; }

    /// <summary>Where it sends, for logs (<c>tcp://host:514</c>, a path); never a secret.</summary>
    public string Target { get; }

    /// <summary>
    /// Sends <paramref name="events"/> in order. Returns once the sink holds them as far as it can
    /// tell; throws when it could not, and the exporter sends the same batch again later.
    /// </summary>
    public Task SendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);
}
