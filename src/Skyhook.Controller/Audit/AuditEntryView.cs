using System.Text.Json;

namespace Skyhook.Controller.Audit;

public sealed record AuditEntryView(
    long Id,
    DateTimeOffset At,
    string Actor,
    string? Source,
    string Action,
    string Subject,
    JsonElement? Before,
    JsonElement? After);
