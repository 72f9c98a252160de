namespace Skyhook.Controller.Auth;

/// <summary>An API token as listed: never the token itself.</summary>
public sealed record ApiTokenView(int Id, string Name, string User, DateTimeOffset CreatedAt, string? CreatedFrom, bool Current);
