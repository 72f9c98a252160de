using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Audit;

/// <summary>Reads the audit log for the API and the console: filtered lists, and the refused sign-ins for the dashboard.</summary>
public sealed class AuditQuery(ControllerDbContext db)
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    /// <summary>What <c>SignIn</c> records for every refused sign-in, the VPN's password logins included.</summary>
    public const string LoginFailed = "auth.login-failed";

    /// <summary>What <c>VpnLogins</c> records for a VPN login refused past the credentials (no profile, session ended, account disabled).</summary>
    public const string VpnLoginRefused = "vpn.login-refused";

    // Time filters run in memory, a page of rows at a time: SQLite cannot compare DateTimeOffset in SQL.
    private const int Page = 500;

    // Ids follow commit order and At the clock when the change was recorded, so around a boundary they
    // may disagree by a request's duration (or a replica's clock skew); reading this far past 'from'
    // before stopping keeps such entries.
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    /// <summary>Newest first; an invalid-fields failure for a limit out of range or a <c>to</c> before <c>from</c>.</summary>
    public async Task<Outcome<List<AuditEntryView>>> ListAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (filter.Limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", string.Create(CultureInfo.InvariantCulture, $"The limit must be between 1 and {MaxLimit}."));
        }

        if (filter.From > filter.To)
        {
            errors.Add("to", "The end of the time range is before its start.");
        }

        if (errors.Any)
        {
            return Failure.Invalid(errors);
        }

        var rows = await ReadAsync(Filter(filter), filter.Before, filter.Limit ?? DefaultLimit, filter.From, filter.To, cancellationToken);
        return Outcome.Ok(rows.Select(View).ToList());
    }

    /// <summary>The <paramref name="count"/> most recent refused sign-ins and VPN logins, newest first.</summary>
    public async Task<List<LoginRefusal>> RecentRefusalsAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxLimit);
        var rows = await db.Audit.AsNoTracking().Where(a => a.Action == LoginFailed || a.Action == VpnLoginRefused)
            .OrderByDescending(a => a.Id).Take(count).ToListAsync(cancellationToken);
        return rows.Select(a => new LoginRefusal(a.Id, a.At, a.Actor, a.Source, Cause(a.After))).ToList();
    }

    private IQueryable<AuditEntity> Filter(AuditFilter filter)
    {
        var query = db.Audit.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var actor = filter.Actor.Trim().ToLowerInvariant();
            query = query.Where(a => a.Actor.ToLower() == actor);
        }

        // Actions are lower case by convention; the prefix is too, so that SQLite's case-blind LIKE
        // and PostgreSQL's case-sensitive one agree.
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            var action = filter.Action.Trim().ToLowerInvariant();
            query = query.Where(a => a.Action.StartsWith(action));
        }

        if (!string.IsNullOrWhiteSpace(filter.Subject))
        {
            var subject = filter.Subject.Trim().ToLowerInvariant();
            query = query.Where(a => a.Subject.ToLower().Contains(subject));
        }

        return query;
    }

    private static async Task<List<AuditEntity>> ReadAsync(
        IQueryable<AuditEntity> query, long? before, int limit, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        if (from is null && to is null)
        {
            return await Before(query, before).OrderByDescending(a => a.Id).Take(limit).ToListAsync(cancellationToken);
        }

        var found = new List<AuditEntity>();
        while (found.Count < limit)
        {
            var page = await Before(query, before).OrderByDescending(a => a.Id).Take(Page).ToListAsync(cancellationToken);
            found.AddRange(page.Where(a => (from is null || a.At >= from) && (to is null || a.At <= to)).Take(limit - found.Count));
            if (page.Count < Page || (from is { } start && page[^1].At < start - Grace))
            {
                break;
            }

            before = page[^1].Id;
        }

        return found;
    }

    private static IQueryable<AuditEntity> Before(IQueryable<AuditEntity> query, long? before) =>
        before is { } id ? query.Where(a => a.Id < id) : query;

    private static AuditEntryView View(AuditEntity a) =>
        new(a.Id, a.At, a.Actor, a.Source, a.Action, a.Subject, Parse(a.Before), Parse(a.After));

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private static string? Cause(string? after)
    {
        if (after is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(after);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("cause", out var cause)
            && cause.ValueKind == JsonValueKind.String
            ? cause.GetString()
            : null;
    }
}
