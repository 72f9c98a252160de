namespace Skyhook.Controller.Events;

/// <summary>Which events to list; every filter left null keeps all.</summary>
/// <param name="Kind">One of <c>EventKinds</c>: session, flow, dns, web, audit.</param>
/// <param name="User">The user's name, regardless of case (for audit events, the actor).</param>
/// <param name="Container">A container or swarm service name, exactly: events whose container or service it is.</param>
/// <param name="Verdict"><c>allowed</c> or <c>denied</c>.</param>
/// <param name="Gateway">The gateway's name, regardless of case.</param>
/// <param name="From">Events that happened at or after this time (millisecond precision).</param>
/// <param name="To">Events that happened at or before this time.</param>
/// <param name="Before">Only events with a smaller id: pages back from the last one shown (newest first).</param>
/// <param name="After">Only events with a larger id, oldest first: follows the store.</param>
/// <param name="Limit">1 to <see cref="EventService.MaxLimit"/>; default <see cref="EventService.DefaultLimit"/>.</param>
/// <param name="Text">Part of any of the texts (user, name, path, destination, container, service, rule, reason, action, public address, session id), regardless of case.</param>
/// <param name="Wait">With <paramref name="After"/>: wait up to this many seconds (at most <see cref="EventService.MaxWaitSeconds"/>) for a newer event.</param>
public sealed record EventFilter(
    string? Kind = null,
    string? User = null,
    string? Container = null,
    string? Verdict = null,
    string? Gateway = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    long? Before = null,
    long? After = null,
    int? Limit = null,
    int? Wait = null,
    string? Text = null);
