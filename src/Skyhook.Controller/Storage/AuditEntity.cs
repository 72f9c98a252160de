namespace Skyhook.Controller.Storage;

/// <summary>One change: who, what, when, from where, and the resource before and after (secrets removed).</summary>
public sealed class AuditEntity
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The admin's name, or <c>setup</c> / the name trying to sign in for anonymous calls.</summary>
    public required string Actor { get; set; }

    /// <summary>The client's address as the controller saw it.</summary>
    public string? Source { get; set; }

    /// <summary>Such as <c>user.create</c> or <c>auth.login-failed</c>.</summary>
    public required string Action { get; set; }

    /// <summary>Such as <c>user alice</c>.</summary>
    public required string Subject { get; set; }

    /// <summary>JSON of the resource as the API shows it (no secrets), or null.</summary>
    public string? Before { get; set; }

    public string? After { get; set; }
}
