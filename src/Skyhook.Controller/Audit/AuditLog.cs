using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Events;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Audit;

/// <summary>
/// Adds an audit entry (and the same as an event of kind <c>audit</c>) to the request's unit of
/// work, so that it is saved with the change it describes or not at all. Before and after are the API's views, which carry no secrets.
/// </summary>
public sealed class AuditLog(ControllerDbContext db, TimeProvider time, IOptions<JsonOptions> json)
{
    public void Record(HttpContext context, string action, string subject, object? before, object? after) =>
        Record(Caller.Name(context) ?? "anonymous", Caller.Source(context), action, subject, before, after);

    public void Record(Actor actor, string action, string subject, object? before, object? after) =>
        Record(actor.Name, actor.Source, action, subject, before, after);

    /// <summary>Also adds the change as an event of kind <c>audit</c>, so that it appears in the event stream and its export.</summary>
    public void Record(string actor, string? source, string action, string subject, object? before, object? after)
    {
        var now = time.GetUtcNow();
        db.Audit.Add(new AuditEntity
        {
            At = now,
            Actor = actor,
            Source = source,
            Action = action,
            Subject = subject,
            Before = Serialize(before),
            After = Serialize(after),
        });
        db.Events.Add(EventRows.Audit(now, actor, source, action, subject));
    }

    private string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), json.Value.SerializerOptions);
}
