using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Web.Console.Activity;

/// <summary>One tab of the activity pages: its path segment, its heading, and the event kind it lists (null: every kind).</summary>
public sealed record ActivityTab(string Slug, string Title, string? Kind)
{
    public static readonly IReadOnlyList<ActivityTab> All =
    [
        new("sessions", "Sessions history", EventKinds.Session),
        new("connections", "Connections", EventKinds.Flow),
        new("lookups", "Lookups", EventKinds.Dns),
        new("browsing", "Browsing", EventKinds.Web),
        new("all", "All activity", null),
    ];

    /// <summary>The tab a path segment names (none: all activity); null for an unknown one.</summary>
    public static ActivityTab? Find(string? slug) =>
        string.IsNullOrEmpty(slug) ? All[^1] : All.FirstOrDefault(t => string.Equals(t.Slug, slug, StringComparison.OrdinalIgnoreCase));
}
