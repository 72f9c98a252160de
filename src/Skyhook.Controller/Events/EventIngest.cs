using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Events;

/// <summary>
/// Stores a gateway's <see cref="TelemetryBatch"/> exactly once per (gateway, sequence): a batch is
/// checked whole (a bad one stores nothing), then, in one transaction that first locks the gateway's
/// row, the events above the gateway's acknowledged sequence are inserted and the acknowledgement
/// moves to the highest one. A retry racing its original waits on that lock and then finds its
/// events acknowledged; the unique (gateway, sequence) index stands behind the check.
/// </summary>
public sealed partial class EventIngest(ControllerDbContext db, EventSignal signal, ILogger<EventIngest> logger)
{
    /// <summary>The largest body <c>POST /api/v1/gateway/events</c> accepts: a full batch of ordinary events fits.</summary>
    public const long MaxBodyBytes = 8 * 1024 * 1024;

    public async Task<Outcome<TelemetryAck>> StoreAsync(int gatewayId, TelemetryBatch batch, CancellationToken cancellationToken)
    {
        if (Problems(batch) is { } errors)
        {
            return Failure.Invalid(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockEventsAsync(cancellationToken);
        // A write first: it takes the gateway's row lock (PostgreSQL) or the database's write lock
        // (SQLite) before the acknowledgement is read, so batches of one gateway go one at a time
        // (the events lock already orders them on PostgreSQL; this keeps the rule where it belongs).
        var locked = await db.Gateways.Where(g => g.Id == gatewayId)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.EventsDropped, g => g.EventsDropped), cancellationToken);
        if (locked == 0)
        {
            return Failure.Unauthorized("This gateway was removed.");
        }

        var gateway = await db.Gateways.AsNoTracking().Where(g => g.Id == gatewayId)
            .Select(g => new { g.Name, g.EventsAcknowledged }).SingleAsync(cancellationToken);
        var fresh = batch.Events.Where(e => e.Sequence > gateway.EventsAcknowledged).ToList();
        // A batch sent again stores nothing new and must not count its drops twice; an empty batch
        // only reports drops.
        var dropped = fresh.Count > 0 || batch.Events.Count == 0 ? batch.Dropped : 0;
        var acknowledged = fresh.Count > 0 ? fresh[^1].Sequence : gateway.EventsAcknowledged;
        if (fresh.Count > 0)
        {
            db.Events.AddRange(fresh.Select(e => EventRows.ToEntity(e, gatewayId, gateway.Name)));
            await db.SaveChangesAsync(cancellationToken);
        }

        if (fresh.Count > 0 || dropped > 0)
        {
            // Not through the tracked entity: events are status, like heartbeats; they move
            // neither the desired-state revision nor the gateway's ETag.
            await db.Gateways.Where(g => g.Id == gatewayId).ExecuteUpdateAsync(
                s => s.SetProperty(g => g.EventsAcknowledged, acknowledged)
                    .SetProperty(g => g.EventsDropped, g => g.EventsDropped + dropped),
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (fresh.Count > 0)
        {
            signal.Notify();
            Log.Stored(logger, fresh.Count, gateway.Name, acknowledged);
        }

        if (dropped > 0)
        {
            Log.Dropped(logger, gateway.Name, dropped);
        }

        return Outcome.Ok(new TelemetryAck(acknowledged));
    }

    /// <summary>What is wrong with the batch, naming the first bad event's fields (<c>events[3].port</c>); null when it is good.</summary>
    public static FieldErrors? Problems(TelemetryBatch batch)
    {
        var errors = new FieldErrors();
        if (batch.Dropped < 0)
        {
            errors.Add("dropped", "The count of dropped events cannot be negative.");
        }

        if (batch.Events is null)
        {
            errors.Add("events", "This field is required (an empty list when only reporting drops).");
            return errors;
        }

        if (batch.Events.Count > TelemetryBatch.MaxEvents)
        {
            errors.Add("events", string.Create(CultureInfo.InvariantCulture, $"At most {TelemetryBatch.MaxEvents} events per batch."));
            return errors;
        }

        long previous = 0;
        for (var i = 0; i < batch.Events.Count && !errors.Any; i++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"events[{i}].");
            if (batch.Events[i] is not { } e)
            {
                errors.Add(prefix[..^1], "An event cannot be null.");
                break;
            }

            if (e.Sequence < 1)
            {
                errors.Add(prefix + "sequence", "Sequence numbers start at 1.");
            }
            else if (e.Sequence <= previous)
            {
                errors.Add(prefix + "sequence", string.Create(CultureInfo.InvariantCulture, $"Sequence numbers must ascend strictly within a batch: {e.Sequence} follows {previous}."));
            }

            previous = e.Sequence;
            Check(errors, prefix, e);
        }

        return errors.Any ? errors : null;
    }

    private static void Check(FieldErrors errors, string prefix, TelemetryEvent e)
    {
        if (e.Kind is null || !EventKinds.FromGateways.Contains(e.Kind))
        {
            errors.Add(prefix + "kind", $"A gateway sends one of: {string.Join(", ", EventKinds.FromGateways)}.");
        }

        if (e.At == default)
        {
            errors.Add(prefix + "at", "This field is required.");
        }

        if (e.Verdict is not (null or Verdicts.Allowed or Verdicts.Denied))
        {
            errors.Add(prefix + "verdict", $"One of: {Verdicts.Allowed}, {Verdicts.Denied}.");
        }

        if (e.Port is < 0 or > 65535)
        {
            errors.Add(prefix + "port", "A port is between 0 and 65535.");
        }

        foreach (var (field, value) in Counters(e))
        {
            if (value < 0)
            {
                errors.Add(prefix + field, "A count cannot be negative.");
            }
        }

        foreach (var (field, value, max) in Texts(e))
        {
            if (value is { Length: var length } && length > max)
            {
                errors.Add(prefix + field, string.Create(CultureInfo.InvariantCulture, $"At most {max} characters."));
            }
        }
    }

    private static (string Field, long? Value)[] Counters(TelemetryEvent e) =>
    [
        ("bytesFromClient", e.BytesFromClient),
        ("bytesToClient", e.BytesToClient),
        ("packetsFromClient", e.PacketsFromClient),
        ("packetsToClient", e.PacketsToClient),
    ];

    private static (string Field, string? Value, int Max)[] Texts(TelemetryEvent e) =>
    [
        ("user", e.User, EventLimits.User),
        ("vpnAddress", e.VpnAddress, EventLimits.Address),
        ("sessionId", e.SessionId, EventLimits.SessionId),
        ("action", e.Action, EventLimits.Action),
        ("rule", e.Rule, EventLimits.Rule),
        ("protocol", e.Protocol, EventLimits.Protocol),
        ("destination", e.Destination, EventLimits.Address),
        ("container", e.Container, EventLimits.ContainerName),
        ("service", e.Service, EventLimits.ContainerName),
        ("name", e.Name, EventLimits.Name),
        ("queryType", e.QueryType, EventLimits.Code),
        ("resultCode", e.ResultCode, EventLimits.Code),
        ("answer", e.Answer, EventLimits.Answer),
        ("method", e.Method, EventLimits.Code),
        ("path", e.Path, EventLimits.Path),
        ("scheme", e.Scheme, EventLimits.Code),
        ("publicAddress", e.PublicAddress, EventLimits.Address),
        ("clientVersion", e.ClientVersion, EventLimits.ClientVersion),
        ("reason", e.Reason, EventLimits.Reason),
    ];

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.EventsDropped, LogLevel.Warning, "Gateway {Gateway} lost {Dropped} events: its spool was full. They are counted in its eventsDropped.")]
        public static partial void Dropped(ILogger logger, string gateway, long dropped);

        [LoggerMessage(ControllerEventIds.EventsStored, LogLevel.Debug, "Stored {Count} events of gateway {Gateway}, up to sequence {Acknowledged}.")]
        public static partial void Stored(ILogger logger, int count, string gateway, long acknowledged);
    }
}
