using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Storage;
using Skyhook.Core.Contracts;
using Skyhook.Core.Groups;

namespace Skyhook.Controller.GatewayApi;

/// <summary>
/// Decides a VPN login a gateway relays: a new login with password and code (the admins' sign-in
/// check: lockout per name and per client address, each code once), or a session token from an
/// earlier login (no code until the group's session lifetime ends). A user may connect when enabled,
/// enrolled in MFA and given an access profile; admins are users too, so an admin with a profile may
/// connect and one without may not: the profile, not the admin flag, is what grants network access.
/// Passwords, codes and tokens are never logged.
/// </summary>
public sealed partial class VpnLogins(
    ControllerDbContext db,
    SignIn signIn,
    SessionTokens sessions,
    GroupSettingsStore store,
    AuditLog audit,
    TimeProvider time,
    ILogger<VpnLogins> logger)
{
    public const string WrongCredentials = "Wrong user name, password or one-time code.";
    public const string SessionEnded = "Your session has ended; sign in again with your password and a new code.";
    public const string NoProfile = "This account has no access profile; ask an admin to assign one.";

    public async Task<VpnAuthDecision> DecideAsync(GatewayEntity gateway, VpnAuthRequest request, CancellationToken cancellationToken)
    {
        var group = gateway.Group!;
        var settings = store.Load(group);
        return string.IsNullOrEmpty(request.SessionToken)
            ? await LoginAsync(gateway, settings, request, cancellationToken)
            : await ResumeAsync(gateway, settings, request, cancellationToken);
    }

    private async Task<VpnAuthDecision> LoginAsync(GatewayEntity gateway, GatewayGroupSettings settings, VpnAuthRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Password) || string.IsNullOrEmpty(request.Code) || request.Password.Length > PasswordRules.MaxLength || request.Code.Length > 16)
        {
            return Deny(gateway, request, WrongCredentials);
        }

        var result = await signIn.VerifyAsync(request.UserName, request.Password, request.Code, request.PublicAddress, adminOnly: false, allowEnrolment: false, cancellationToken, request.AttemptId);
        if (result.LockedUntil is { } until)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalMinutes));
            return Deny(gateway, request, FormattableString.Invariant($"Too many failed sign-ins; try again in {minutes} minute(s)."));
        }

        if (result.User is not { } user)
        {
            return Deny(gateway, request, result.AccountProblem ?? WrongCredentials);
        }

        var profile = await ProfileNameAsync(user.ProfileId, cancellationToken);
        if (profile is null)
        {
            return await RefuseAsync(gateway, request, user.Name, "no access profile", NoProfile, cancellationToken);
        }

        var expiresAt = time.GetUtcNow() + settings.SessionLifetime;
        var (token, sessionId) = await sessions.IssueAsync(user.Name, settings.Name, expiresAt, cancellationToken);
        audit.Record(user.Name, request.PublicAddress, "vpn.login", $"gateway {gateway.Name}", null, new { gateway = gateway.Name, group = settings.Name, profile, expiresAt });
        await db.SaveChangesAsync(cancellationToken);
        Log.Allowed(logger, user.Name, gateway.Name, request.PublicAddress, profile);
        return new VpnAuthDecision(true, null, profile, token, expiresAt, Push(settings), sessionId, await db.CurrentRevisionAsync(cancellationToken));
    }

    private async Task<VpnAuthDecision> ResumeAsync(GatewayEntity gateway, GatewayGroupSettings settings, VpnAuthRequest request, CancellationToken cancellationToken)
    {
        var claims = await sessions.ReadAsync(request.SessionToken!, cancellationToken);
        if (claims is null
            || !string.Equals(claims.User, request.UserName, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(claims.Group, settings.Name, StringComparison.OrdinalIgnoreCase)
            || claims.ExpiresAt <= time.GetUtcNow()
            || await db.EndedSessions.AnyAsync(s => s.Id == claims.Id, cancellationToken))
        {
            // An invalid token names no account for sure: logged, not audited against a name.
            return claims is null
                ? Deny(gateway, request, SessionEnded)
                : await RefuseAsync(gateway, request, claims.User, "session token expired, ended or for another group", SessionEnded, cancellationToken);
        }

        var normalized = claims.User.ToLowerInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedName == normalized, cancellationToken);
        if (user is not { Enabled: true, MfaEnrolled: true })
        {
            return user is null
                ? Deny(gateway, request, SessionEnded)
                : await RefuseAsync(
                    gateway, request, user.Name, !user.Enabled ? "account disabled" : "one-time code reset", !user.Enabled ? "This account is disabled." : SessionEnded, cancellationToken);
        }

        var profile = await ProfileNameAsync(user.ProfileId, cancellationToken);
        if (profile is null)
        {
            return await RefuseAsync(gateway, request, user.Name, "no access profile", NoProfile, cancellationToken);
        }

        Log.Resumed(logger, user.Name, gateway.Name, request.PublicAddress);
        return new VpnAuthDecision(true, null, profile, request.SessionToken, claims.ExpiresAt, Push(settings), claims.Id, await db.CurrentRevisionAsync(cancellationToken));
    }

    private async Task<string?> ProfileNameAsync(int? profileId, CancellationToken cancellationToken) =>
        profileId is { } id ? await db.Profiles.AsNoTracking().Where(p => p.Id == id).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken) : null;

    /// <summary>Split tunnel: the enabled overlays and the additional CIDRs. Full: the default route.</summary>
    public static VpnPush Push(GatewayGroupSettings settings) => new(
        settings.TunnelMode == TunnelMode.Full
            ? []
            : [.. settings.Overlays.Where(o => o.Enabled).Select(o => o.Subnet.ToString()), .. settings.AdditionalCidrs.Select(c => c.ToString())],
        settings.TunnelMode == TunnelMode.Full,
        settings.Nameservers.Select(n => n.ToString()).ToList(),
        settings.SearchDomains);

    /// <summary>
    /// Refuses an account's login for a reason past its credentials, and audits it as
    /// <see cref="AuditQuery.VpnLoginRefused"/> so that admins see it beside failed sign-ins (which
    /// <see cref="SignIn"/> audits itself).
    /// </summary>
    private async Task<VpnAuthDecision> RefuseAsync(
        GatewayEntity gateway, VpnAuthRequest request, string user, string cause, string reason, CancellationToken cancellationToken)
    {
        audit.Record(user, request.PublicAddress, AuditQuery.VpnLoginRefused, $"user {user}", null, new { cause, gateway = gateway.Name });
        await db.SaveChangesAsync(cancellationToken);
        return Deny(gateway, request, reason);
    }

    private VpnAuthDecision Deny(GatewayEntity gateway, VpnAuthRequest request, string reason)
    {
        // The requested name is not logged: it may be a password typed into the name field (SignIn
        // logs the name when it is an account's).
        Log.Denied(logger, gateway.Name, request.PublicAddress, reason);
        return new VpnAuthDecision(false, reason, null, null, null, null);
    }

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.VpnLoginAllowed, LogLevel.Information, "VPN login of {User} through gateway {Gateway} from {Source} allowed with profile {Profile}.")]
        public static partial void Allowed(ILogger logger, string user, string gateway, string source, string profile);

        [LoggerMessage(ControllerEventIds.VpnLoginDenied, LogLevel.Warning, "VPN login through gateway {Gateway} from {Source} denied: {Reason}")]
        public static partial void Denied(ILogger logger, string gateway, string source, string reason);

        [LoggerMessage(ControllerEventIds.VpnSessionResumed, LogLevel.Information, "VPN session of {User} resumed through gateway {Gateway} from {Source}.")]
        public static partial void Resumed(ILogger logger, string user, string gateway, string source);
    }
}
