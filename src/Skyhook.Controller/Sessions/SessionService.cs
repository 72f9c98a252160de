using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.GatewayApi;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Sessions;

/// <summary>
/// Live VPN sessions, for admins through the API and the console: the list the online gateways
/// reported in their last heartbeats, and ending one. An ended session's token is refused from then
/// on, and its id goes into the desired state of its group, so every gateway cuts it wherever it
/// runs (within a second).
/// </summary>
public sealed partial class SessionService(
    ControllerDbContext db,
    GroupSettingsStore store,
    AuditLog audit,
    TimeProvider time,
    IOptions<GatewayApiOptions> options,
    ILogger<SessionService> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The live sessions of online gateways, oldest first; <paramref name="user"/> narrows to one user.</summary>
    public async Task<List<SessionView>> ListAsync(string? user, CancellationToken cancellationToken) =>
        (await LiveAsync(cancellationToken))
            .Where(s => user is null || string.Equals(s.View.User, user, StringComparison.OrdinalIgnoreCase))
            .Select(s => s.View)
            .ToList();

    /// <summary>Ends a live session: its token is refused from now on and its gateway cuts it. Ending it again changes nothing.</summary>
    public async Task<Outcome<SessionView>> EndAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        if (!VpnSessionId.IsValid(id))
        {
            return Failure.Invalid("id", "A session id is 32 lowercase hex digits, as GET /api/v1/sessions lists them.");
        }

        var live = (await LiveAsync(cancellationToken)).FirstOrDefault(s => s.View.Id == id);
        if (live.View is null)
        {
            return Failure.NotFound($"Live session '{id}'");
        }

        var now = time.GetUtcNow();
        if (!await db.EndedSessions.AnyAsync(s => s.Id == id, cancellationToken))
        {
            // Its token expires at most one session lifetime after the login; until then it must be refused.
            db.EndedSessions.Add(new EndedSessionEntity
            {
                Id = id,
                GroupId = live.Group.Id,
                UserName = live.View.User,
                ExpiresAt = now + store.Load(live.Group).SessionLifetime,
                EndedAt = now,
            });
            // Ended sessions whose tokens have expired anyway need no cutting any more.
            // (Compared here, not in SQL: SQLite cannot compare DateTimeOffset; the list is short.)
            db.EndedSessions.RemoveRange((await db.EndedSessions.ToListAsync(cancellationToken)).Where(s => s.ExpiresAt <= now));
            audit.Record(actor, "session.end", $"session {id}", live.View, null);
            await db.SaveChangesAsync(cancellationToken);
            Log.SessionEnded(logger, id, live.View.User, live.View.Gateway);
        }

        return Outcome.Ok(live.View);
    }

    private async Task<List<(SessionView View, GatewayGroupEntity Group)>> LiveAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - options.Value.OfflineAfter;
        var gateways = await db.Gateways.AsNoTracking().Include(g => g.Group)
            .Where(g => g.LiveSessionsJson != null && g.LastHeartbeatAt != null)
            .ToListAsync(cancellationToken);
        return gateways
            .Where(g => g.LastHeartbeatAt >= since)
            .SelectMany(g => (JsonSerializer.Deserialize<List<LiveSession>>(g.LiveSessionsJson!, Json) ?? [])
                .Select(s => (new SessionView(s.SessionId, s.UserName, g.Name, g.Group!.Name, s.Address, s.PublicAddress, s.Since, s.BytesFromClient, s.BytesToClient), g.Group!)))
            .OrderBy(s => s.Item1.Since)
            .ToList();
    }

    /// <summary>The heartbeat's sessions as stored: JSON, or null when the gateway did not report them.</summary>
    internal static string? Store(IReadOnlyList<LiveSession>? sessions) =>
        sessions is null ? null : JsonSerializer.Serialize(sessions, Json);

    private static partial class Log
    {
        [LoggerMessage(Hosting.ControllerEventIds.SessionEnded, LogLevel.Information, "Session {Id} of {User} on gateway {Gateway} ended by an admin.")]
        public static partial void SessionEnded(ILogger logger, string id, string user, string gateway);
    }
}
