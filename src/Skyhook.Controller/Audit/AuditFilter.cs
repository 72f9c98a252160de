namespace Skyhook.Controller.Audit;

/// <summary>Which audit entries to list, newest first; every filter left null keeps all.</summary>
/// <param name="Before">Only entries with a smaller id: pages back from the last entry shown.</param>
/// <param name="Limit">1 to <see cref="AuditQuery.MaxLimit"/>; default <see cref="AuditQuery.DefaultLimit"/>.</param>
/// <param name="Actor">The actor's name, regardless of case.</param>
/// <param name="Action">The start of the action, such as <c>auth.</c>, <c>user.</c> or <c>user.update</c>.</param>
/// <param name="Subject">Part of the subject, regardless of case, such as <c>alice</c>.</param>
/// <param name="From">Entries at or after this time.</param>
/// <param name="To">Entries at or before this time.</param>
public sealed record AuditFilter(
    long? Before = null,
    int? Limit = null,
    string? Actor = null,
    string? Action = null,
    string? Subject = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);
