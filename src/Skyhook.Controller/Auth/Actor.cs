namespace Skyhook.Controller.Auth;

/// <summary>Who makes a change and from where, as the audit log records it: an API token's or a console session's user.</summary>
public sealed record Actor(string Name, string Source)
{
    public static Actor From(HttpContext context) => new(Caller.Name(context) ?? "anonymous", Caller.Source(context));
}
