namespace Skyhook.Controller.Audit;

/// <summary>A refused sign-in (API, console or VPN password login) as the audit log recorded it.</summary>
/// <param name="User">The account's name, or <c>(no such user)</c>: a typed name that is no account's is never kept.</param>
/// <param name="Source">The client's address: the HTTP client's, or the VPN client's public address.</param>
/// <param name="Cause">Why, precisely (for admins only), such as <c>wrong password</c>.</param>
public sealed record LoginRefusal(long Id, DateTimeOffset At, string User, string? Source, string? Cause);
