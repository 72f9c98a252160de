using System.Globalization;
using System.Security.Claims;
using Skyhook.Core.Addressing;

namespace Skyhook.Controller.Auth;

/// <summary>Who is calling and from where, as the audit log and the throttles see it.</summary>
public static class Caller
{
    public const string TokenIdClaim = "skyhook:token";

    public static string? Name(HttpContext context) => context.User.Identity?.IsAuthenticated == true
        ? context.User.FindFirstValue(ClaimTypes.Name)
        : null;

    public static int? UserId(HttpContext context) =>
        int.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public static int? TokenId(HttpContext context) =>
        int.TryParse(context.User.FindFirstValue(TokenIdClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>The peer address; IPv4 peers on dual-stack sockets are shown as IPv4.</summary>
    public static string Source(HttpContext context) => context.Connection.RemoteIpAddress is { } address
        ? address.Unmapped().ToString()
        : "unknown";
}
