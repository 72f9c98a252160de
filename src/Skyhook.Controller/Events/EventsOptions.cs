using System.ComponentModel.DataAnnotations;

namespace Skyhook.Controller.Events;

/// <summary>How long the event store keeps events (section <c>Events</c>).</summary>
public sealed class EventsOptions
{
    public const string Section = "Events";

    /// <summary>
    /// Events (and the audit events among them) older than this many days, by when they happened,
    /// are deleted: at start and every hour. Default 30, from 1 to 3650. The audit log itself
    /// (<c>/api/v1/audit</c>) is not affected. Export events (syslog, JSON lines) to keep them longer.
    /// </summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 30;
}
