using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Access;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Events;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Pki;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Sessions;
using Skyhook.Controller.Storage;
using Skyhook.Core.Contracts;
using Skyhook.Core.Pki;

namespace Skyhook.Controller.GatewayApi;

/// <summary>
/// What gateways call (<c>/api/v1/gateway</c>): enrolment with a join token (anonymous), then, with
/// the gateway credential, the desired state by long poll, heartbeats and VPN login decisions. Every
/// call carries the contract version header; another version is refused with a clear message.
/// </summary>
public static partial class GatewayFacingApi
{
    public const string CredentialPrefix = "skyhook_gw_";

    /// <summary>The most sessions a heartbeat may list: more than a gateway's largest client block (/16) holds.</summary>
    public const int MaxLiveSessions = 65_536;

    public static IHostApplicationBuilder AddGatewayApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayApiOptions>()
            .BindConfiguration(GatewayApiOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<DesiredStates>();
        builder.Services.AddScoped<SessionTokens>();
        builder.Services.AddScoped<VpnLogins>();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, GatewayAuthenticationHandler>(GatewayAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(GatewayAuthenticationHandler.PolicyName, policy => policy
            .AddAuthenticationSchemes(GatewayAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(GatewayAuthenticationHandler.GatewayIdClaim));
        return builder;
    }

    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/gateway").WithTags("Gateway API")
            .RequireAuthorization(GatewayAuthenticationHandler.PolicyName)
            .AddEndpointFilter(RequireContractAsync);
        api.MapPost("/enroll", EnrollAsync).AllowAnonymous();
        api.MapGet("/config", ConfigAsync);
        api.MapPost("/heartbeat", HeartbeatAsync);
        api.MapPost("/auth", AuthAsync);
        api.MapGatewayEvents();
        return app;
    }

    /// <summary>
    /// Trades a join token for a credential and the gateway's CSR for its OpenVPN server certificate
    /// (CN = the gateway's name). A wrong, expired or used token gets 401 without saying which; the
    /// token is consumed exactly once even by two racing requests (the row's version guards the UPDATE).
    /// The name and endpoint the admin gave when adding the gateway are authoritative.
    /// </summary>
    public static async Task<Results<Ok<EnrollmentResponse>, ValidationProblem, ProblemHttpResult>> EnrollAsync(
        EnrollmentRequest request,
        HttpContext context,
        ControllerDbContext db,
        ControllerKeys keys,
        AuditLog audit,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(GatewayFacingApi));
        var errors = new FieldErrors();
        errors.Require("joinToken", request.JoinToken);
        if (errors.Require("signingRequestPem", request.SigningRequestPem) && request.SigningRequestPem.Length > 20_000)
        {
            errors.Add("signingRequestPem", "The signing request is too long.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = time.GetUtcNow();
        var hash = Secrets.Hash(request.JoinToken);
        var gateway = request.JoinToken.Length > 200 ? null : await db.Gateways.Include(g => g.Group).FirstOrDefaultAsync(g => g.JoinTokenHash == hash, cancellationToken);
        if (gateway is null || gateway.CredentialHash is not null || gateway.JoinTokenExpiresAt is not { } expires || expires <= now)
        {
            Log.EnrolmentRefused(logger, Caller.Source(context));
            return InvalidJoinToken();
        }

        if (!string.IsNullOrEmpty(request.Name) && !string.Equals(request.Name, gateway.Name, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("name", $"This join token is for gateway '{gateway.Name}'.");
            return errors.ToProblem();
        }

        // The CA is read (or created) before the gateway row is changed: creating it saves.
        var ca = await keys.CaAsync(cancellationToken);
        string certificate;
        try
        {
            certificate = CertificateAuthority.SignServer(ca, request.SigningRequestPem, gateway.Name, time);
        }
        catch (FormatException ex)
        {
            errors.Add("signingRequestPem", "The signing request is not usable: " + ex.Message + ".");
            return errors.ToProblem();
        }

        var credential = Secrets.NewToken(CredentialPrefix);
        gateway.JoinTokenHash = null;
        gateway.JoinTokenExpiresAt = null;
        gateway.CredentialHash = Secrets.Hash(credential);
        gateway.CertificatePem = certificate;
        gateway.EnrolledAt = now;
        gateway.UpdatedAt = now;
        audit.Record("gateway " + gateway.Name, Caller.Source(context), "gateway.enrol", $"gateway {gateway.Name}", null, new { gateway = gateway.Name, group = gateway.Group!.Name });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another request used the same token a moment earlier.
            Log.EnrolmentRefused(logger, Caller.Source(context));
            return InvalidJoinToken();
        }

        Log.Enrolled(logger, gateway.Name, gateway.Group.Name, Caller.Source(context));
        return TypedResults.Ok(new EnrollmentResponse(gateway.Name, gateway.Group.Name, credential, certificate, ca.CertificatePem));
    }

    /// <summary>
    /// The gateway's desired state when the revision differs from <paramref name="after"/> (at once
    /// without it); otherwise waits up to Gateways:LongPollTimeout for a change, then 304.
    /// </summary>
    public static async Task<Results<Ok<DesiredState>, StatusCodeHttpResult, ProblemHttpResult>> ConfigAsync(
        long? after,
        HttpContext context,
        ControllerDbContext db,
        DesiredStates states,
        RevisionSignal signal,
        TimeProvider time,
        IOptions<GatewayApiOptions> options,
        CancellationToken cancellationToken)
    {
        var id = GatewayAuthenticationHandler.GatewayId(context);
        var deadline = time.GetUtcNow() + options.Value.LongPollTimeout;
        while (true)
        {
            // Taken before the revision is read, so a change committed in between still wakes us.
            var wake = signal.Next;
            var revision = await db.CurrentRevisionAsync(cancellationToken);
            if (after != revision)
            {
                var gateway = await db.Gateways.AsNoTracking().Include(g => g.Group).FirstOrDefaultAsync(g => g.Id == id, cancellationToken);
                return gateway is null
                    ? ApiProblems.Unauthorized("This gateway was removed.")
                    : TypedResults.Ok(await states.ForGatewayAsync(gateway, gateway.Group!, revision, cancellationToken));
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }

            await Signal.WaitAsync(wake, remaining, time, cancellationToken);
        }
    }

    public static async Task<Results<NoContent, ValidationProblem>> HeartbeatAsync(
        Heartbeat heartbeat,
        HttpContext context,
        ControllerDbContext db,
        DiscoveredContainers discovered,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (heartbeat.AppliedRevision < 0)
        {
            errors.Add("appliedRevision", "The revision cannot be negative.");
        }

        if (heartbeat.AppliedHash is null || heartbeat.AppliedHash.Length > 64 || !heartbeat.AppliedHash.All(char.IsAsciiHexDigitLower))
        {
            errors.Add("appliedHash", "The hash is the lowercase hex SHA-256 of the applied desired state (empty before the first).");
        }

        if (heartbeat.ApplyError is { Length: > 2000 })
        {
            errors.Add("applyError", "At most 2000 characters.");
        }

        if (heartbeat.Sessions < 0)
        {
            errors.Add("sessions", "The session count cannot be negative.");
        }

        if (heartbeat.Version is { Length: > 64 })
        {
            errors.Add("version", "At most 64 characters.");
        }

        if (heartbeat.LiveSessions is { } live && (live.Count > MaxLiveSessions || live.Any(s => !IsValid(s))))
        {
            errors.Add("liveSessions", $"At most {MaxLiveSessions} sessions, each with an empty or 32-hex-digit id, a user name, a VPN address and an optional public address.");
        }

        if (heartbeat.LiveSessions is { } counted && counted.Any(s => s is not null && (s.BytesFromClient < 0 || s.BytesToClient < 0)))
        {
            errors.Add("liveSessions", "Byte counts (bytesFromClient, bytesToClient) cannot be negative.");
        }

        if (heartbeat.Containers is { } containers && DiscoveredContainers.Problem(containers) is { } problem)
        {
            errors.Add("containers", problem);
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var id = GatewayAuthenticationHandler.GatewayId(context);
        if (heartbeat.Containers is { } report)
        {
            discovered.Report(id, report);
        }
        var now = time.GetUtcNow();
        string? appliedHash = heartbeat.AppliedHash!.Length == 0 ? null : heartbeat.AppliedHash;
        // Not through SaveChanges: a heartbeat is status, not configuration; it must neither move
        // the desired-state revision nor the ETag admins edit against.
        await db.Gateways.Where(g => g.Id == id).ExecuteUpdateAsync(
            s => s.SetProperty(g => g.LastHeartbeatAt, now)
                .SetProperty(g => g.AppliedRevision, heartbeat.AppliedRevision)
                .SetProperty(g => g.AppliedHash, appliedHash)
                .SetProperty(g => g.ApplyError, heartbeat.ApplyError)
                .SetProperty(g => g.Sessions, heartbeat.Sessions)
                .SetProperty(g => g.LiveSessionsJson, SessionService.Store(heartbeat.LiveSessions))
                .SetProperty(g => g.AgentVersion, heartbeat.Version)
                .SetProperty(g => g.EventsPending, heartbeat.EventsPending),
            cancellationToken);
        return TypedResults.NoContent();
    }

    private static bool IsValid(LiveSession? session) =>
        session is not null
        && (session.SessionId is "" || VpnSessionId.IsValid(session.SessionId))
        && Core.Identity.UserName.TryParse(session.UserName, out _, out _)
        && IPAddress.TryParse(session.Address, out _)
        && (session.PublicAddress is null || IPAddress.TryParse(session.PublicAddress, out _));

    /// <summary>Decides a VPN login; a refusal is a decision (200, Allowed false, a reason to show), not an error.</summary>
    public static async Task<Results<Ok<VpnAuthDecision>, ValidationProblem, ProblemHttpResult>> AuthAsync(
        VpnAuthRequest request,
        HttpContext context,
        ControllerDbContext db,
        VpnLogins logins,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (errors.Require("userName", request.UserName) && request.UserName.Length > 200)
        {
            errors.Add("userName", "At most 200 characters.");
        }

        if (errors.Require("publicAddress", request.PublicAddress) && !IPAddress.TryParse(request.PublicAddress, out _))
        {
            errors.Add("publicAddress", "The client's public address must be an IP address: lockout counts per address.");
        }

        if (request.AttemptId is { } attempt && (attempt.Length != 32 || !attempt.All(char.IsAsciiHexDigitLower)))
        {
            errors.Add("attemptId", "The attempt id is 32 lowercase hex digits.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var id = GatewayAuthenticationHandler.GatewayId(context);
        var gateway = await db.Gateways.AsNoTracking().Include(g => g.Group).FirstOrDefaultAsync(g => g.Id == id, cancellationToken);
        if (gateway is null)
        {
            return ApiProblems.Unauthorized("This gateway was removed.");
        }

        var normalized = request with { PublicAddress = IPAddress.Parse(request.PublicAddress).ToString() };
        return TypedResults.Ok(await logins.DecideAsync(gateway, normalized, cancellationToken));
    }

    private static ProblemHttpResult InvalidJoinToken() =>
        ApiProblems.Unauthorized("The join token is not valid: it is wrong, expired or already used. Ask an admin for a new one.");

    private static async ValueTask<object?> RequireContractAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var current = ContractVersion.Current.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers[ContractVersion.Header] = current;
        var sent = http.Request.Headers[ContractVersion.Header].ToString();
        if (!string.Equals(sent, current, StringComparison.Ordinal))
        {
            Log.ContractRefused(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewayFacingApi)), sent.Length > 20 ? sent[..20] : sent);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: $"This controller speaks gateway contract version {current}; send the header {ContractVersion.Header}: {current} (upgrade the gateway or the controller so that they match).");
        }

        return await next(context);
    }

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.GatewayEnrolled, LogLevel.Information, "Gateway {Gateway} of group {Group} enrolled from {Source}.")]
        public static partial void Enrolled(ILogger logger, string gateway, string group, string source);

        [LoggerMessage(ControllerEventIds.GatewayEnrolmentRefused, LogLevel.Warning, "Gateway enrolment from {Source} refused: the join token is wrong, expired or used.")]
        public static partial void EnrolmentRefused(ILogger logger, string source);

        [LoggerMessage(ControllerEventIds.ContractRefused, LogLevel.Warning, "Gateway call refused: contract version '{Sent}' is not the one this controller speaks.")]
        public static partial void ContractRefused(ILogger logger, string sent);
    }
}
