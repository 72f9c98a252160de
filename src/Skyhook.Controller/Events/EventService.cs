using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Events;

/// <summary>
/// Reads the event store for the API and the console: filtered pages newest first, or, after an
/// id, oldest first and optionally waiting for the next events (a live tail).
/// </summary>
public sealed class EventService(ControllerDbContext db, EventSignal signal, TimeProvider time)
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    public const int MaxWaitSeconds = 30;

    public const int MaxTextLength = 200;

    // How often a waiting follower reads the store anyway, for events another replica stored.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Newest first; with <see cref="EventFilter.After"/> oldest first. An invalid-fields failure for
    /// an unknown kind or verdict, a limit or wait out of range, a wait without after, or a
    /// <c>to</c> before <c>from</c>.
    /// </summary>
    public async Task<Outcome<List<StoredEvent>>> ListAsync(EventFilter filter, CancellationToken cancellationToken)
    {
        if (Problems(filter) is { } errors)
        {
            return Failure.Invalid(errors);
        }

        var query = Filter(filter);
        var limit = filter.Limit ?? DefaultLimit;
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(filter.Wait ?? 0);
        while (true)
        {
            // Taken before the read, so that events stored in between still wake the wait.
            var wake = signal.Next;
            var rows = await query.Take(limit).ToListAsync(cancellationToken);
            var remaining = deadline - time.GetUtcNow();
            if (rows.Count > 0 || remaining <= TimeSpan.Zero)
            {
                return Outcome.Ok(rows.Select(EventRows.ToStored).ToList());
            }

            await Hosting.Signal.WaitAsync(wake, remaining < PollInterval ? remaining : PollInterval, time, cancellationToken);
        }
    }

    private static FieldErrors? Problems(EventFilter filter)
    {
        var errors = new FieldErrors();
        if (filter.Limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", string.Create(CultureInfo.InvariantCulture, $"The limit must be between 1 and {MaxLimit}."));
        }

        if (filter.Kind is { } kind && !EventKinds.All.Contains(kind.Trim().ToLowerInvariant()))
        {
            errors.Add("kind", $"One of: {string.Join(", ", EventKinds.All)}.");
        }

        if (filter.Verdict is { } verdict && verdict.Trim().ToLowerInvariant() is not (Verdicts.Allowed or Verdicts.Denied))
        {
            errors.Add("verdict", $"One of: {Verdicts.Allowed}, {Verdicts.Denied}.");
        }

        if (filter.From > filter.To)
        {
            errors.Add("to", "The end of the time range is before its start.");
        }

        if (filter.Text is { Length: > MaxTextLength })
        {
            errors.Add("q", string.Create(CultureInfo.InvariantCulture, $"At most {MaxTextLength} characters."));
        }

        if (filter.Wait is < 0 or > MaxWaitSeconds)
        {
            errors.Add("wait", string.Create(CultureInfo.InvariantCulture, $"The wait is 0 to {MaxWaitSeconds} seconds."));
        }
        else if (filter.Wait > 0 && filter.After is null)
        {
            errors.Add("wait", "Waiting follows the store: give after, the last id seen (0 for the start).");
        }

        return errors.Any ? errors : null;
    }

    private IQueryable<EventEntity> Filter(EventFilter filter)
    {
        var query = db.Events.AsNoTracking();
        if (Normalized(filter.Kind) is { } kind)
        {
            query = query.Where(e => e.Kind == kind);
        }

        // Stored in lower case, so that the comparison can use the index.
        if (Normalized(filter.User) is { } user)
        {
            query = query.Where(e => e.User == user);
        }

        // Docker names are case-sensitive; exact, so that either index serves it.
        if (!string.IsNullOrWhiteSpace(filter.Container))
        {
            var container = filter.Container.Trim();
            query = query.Where(e => e.Container == container || e.Service == container);
        }

        if (Normalized(filter.Verdict) is { } verdict)
        {
            query = query.Where(e => e.Verdict == verdict);
        }

        if (Normalized(filter.Gateway) is { } gateway)
        {
            query = query.Where(e => e.GatewayName != null && e.GatewayName.ToLower() == gateway);
        }

        // No index serves it: the scan runs newest first and stops at the limit.
        if (Normalized(filter.Text) is { } text)
        {
            query = query.Where(e =>
                (e.User != null && e.User.Contains(text))
                || (e.Name != null && e.Name.ToLower().Contains(text))
                || (e.Path != null && e.Path.ToLower().Contains(text))
                || (e.Destination != null && e.Destination.ToLower().Contains(text))
                || (e.Container != null && e.Container.ToLower().Contains(text))
                || (e.Service != null && e.Service.ToLower().Contains(text))
                || (e.Rule != null && e.Rule.ToLower().Contains(text))
                || (e.Reason != null && e.Reason.ToLower().Contains(text))
                || (e.Action != null && e.Action.ToLower().Contains(text))
                || (e.PublicAddress != null && e.PublicAddress.ToLower().Contains(text))
                || (e.SessionId != null && e.SessionId.ToLower().Contains(text)));
        }

        if (filter.From is { } from)
        {
            var ms = from.ToUnixTimeMilliseconds();
            query = query.Where(e => e.AtMs >= ms);
        }

        if (filter.To is { } to)
        {
            var ms = to.ToUnixTimeMilliseconds();
            query = query.Where(e => e.AtMs <= ms);
        }

        if (filter.Before is { } before)
        {
            query = query.Where(e => e.Id < before);
        }

        if (filter.After is { } after)
        {
            return query.Where(e => e.Id > after).OrderBy(e => e.Id);
        }

        return query.OrderByDescending(e => e.Id);
    }

    private static string? Normalized(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToLowerInvariant();
}
