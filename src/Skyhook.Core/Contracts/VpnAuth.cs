namespace Skyhook.Core.Contracts;

/// <summary>
/// POST /api/v1/gateway/auth: a VPN login to decide. Either Password and Code (a new login: the
/// gateway split OpenVPN's SCRV1 static-challenge answer) or SessionToken (a renegotiation, a
/// reconnect, or failover to another gateway of the group: no new code while the session lives).
/// AttemptId (32 hex digits, random per login, the same when the gateway asks again after a failure
/// in transit) lets a second replica accept the code the first one took before it died.
/// </summary>
public sealed record VpnAuthRequest(
    string UserName,
    string? Password,
    string? Code,
    string? SessionToken,
    string PublicAddress,
    string? ClientVersion,
    string? AttemptId = null)
{
    public override string ToString() =>
        $"VpnAuthRequest {{ UserName = {UserName}, PublicAddress = {PublicAddress}, ClientVersion = {ClientVersion}, Password = ***, Code = ***, SessionToken = *** }}";
}

/// <summary>
/// The decision. Allowed: the profile that judges the user's packets, what to push, and a session
/// token (signed by the controller, valid on every gateway of the group until ExpiresAt). Refused:
/// a reason fit to show the user and the admin (never which of password or code was wrong).
/// SessionId names the session the token belongs to, the same on every renegotiation, reconnect and
/// gateway: not a secret (it signs nobody in), it is what the admin's "end this session" names.
/// Revision is the controller's desired-state revision when it decided: a gateway still on an older
/// one (the user may be missing from it) does not cut the session for that.
/// </summary>
public sealed record VpnAuthDecision(
    bool Allowed,
    string? Reason,
    string? Profile,
    string? SessionToken,
    DateTimeOffset? ExpiresAt,
    VpnPush? Push,
    string? SessionId = null,
    long? Revision = null)
{
    public override string ToString() =>
        $"VpnAuthDecision {{ Allowed = {Allowed}, Reason = {Reason}, Profile = {Profile}, ExpiresAt = {ExpiresAt}, SessionId = {SessionId}, SessionToken = *** }}";
}

/// <summary>What the gateway pushes to the client: routes (CIDRs), or the default route in full tunnel; DNS.</summary>
public sealed record VpnPush(IReadOnlyList<string> Routes, bool RedirectGateway, IReadOnlyList<string> DnsServers, IReadOnlyList<string> SearchDomains);

/// <summary>A session's id: 32 lowercase hex digits.</summary>
public static class VpnSessionId
{
    public static bool IsValid(string? id) =>
        id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
