namespace Skyhook.Controller.Storage;

/// <summary>
/// Failed sign-ins for one user name or one source address (<c>user:alice</c>, <c>address:192.0.2.7</c>).
/// Kept in the database so that every controller replica enforces the same lockout.
/// </summary>
public sealed class LoginThrottleEntity
{
    public required string Key { get; set; }

    public int Failures { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }
}
