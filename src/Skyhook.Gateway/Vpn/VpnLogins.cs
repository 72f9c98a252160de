using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Telemetry;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Vpn;

/// <summary>
/// The login flow of one management connection: every CONNECT and REAUTH goes to the controller,
/// each on its own task so the event stream (and with it the replies to our own commands) keeps
/// flowing while the controller thinks. An allowed CONNECT gets an address leased from this
/// gateway's block, the controller's routes and DNS, and the session token; a refusal, or no
/// decision at all, gets client-deny with a reason the user can act on. Passwords, codes and session
/// tokens never reach a log line: requests and decisions print themselves masked and only names,
/// ids, addresses and reasons are logged.
/// </summary>
/// <param name="authorize">POST /api/v1/gateway/auth; throws <see cref="ControllerApiException"/> when there is no decision.</param>
/// <param name="policy">Told of every session that begins or ends; a login is answered only after its binding is in force.</param>
/// <param name="nameserver">This gateway's DNS service: when it runs, clients are given it instead of the controller's nameservers (which it forwards to).</param>
/// <param name="events">Telemetry: a connect when a session is established, a disconnect when it ends, a refused for each login turned away (<see cref="SessionEvents"/>).</param>
public sealed partial class VpnLogins(
    Func<VpnAuthRequest, CancellationToken, Task<VpnAuthDecision>> authorize,
    VpnSessions sessions,
    TimeProvider time,
    ILogger<VpnLogins> logger,
    ISessionPolicy? policy = null,
    IVpnNameserver? nameserver = null,
    IEventSink? events = null)
{
    private readonly VpnSessions _sessions = sessions;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;

    /// <summary>Shown to the client when no decision can be had: the login itself may be fine.</summary>
    public const string ControllerUnreachable = "controller unreachable, try again";

    private static readonly VpnPush NoPush = new([], false, [], []);

    /// <summary>
    /// Waits before asking again after a <see cref="ControllerApiException.Transient"/> failure: a
    /// replica behind a balancer that died mid-request is replaced by another within these.
    /// </summary>
    private static readonly TimeSpan[] AuthRetries = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];

    /// <summary>Handles the connection's events until it closes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(OpenVpnManagementClient management, LeaseTable leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(management);
        ArgumentNullException.ThrowIfNull(leases);
        try
        {
            await foreach (var item in management.Events.ReadAllAsync(cancellationToken))
            {
                switch (item)
                {
                    case ClientAuthentication login:
                        _ = Task.Run(() => DecideAsync(management, leases, login, cancellationToken), CancellationToken.None);
                        break;
                    case ClientEstablished established when _sessions.Get(established.ClientId) is { Established: false } session:
                        session.Established = true;
                        events?.Publish(SessionEvents.Connect(session, _time.GetUtcNow()));
                        break;
                    case ClientDisconnect disconnect:
                        leases.Release(disconnect.ClientId);
                        if (_sessions.Remove(disconnect.ClientId) is { } ended)
                        {
                            Log.SessionEnded(_logger, ended.ClientId, ended.UserName, ended.Address.ToString(), (_time.GetUtcNow() - ended.Since).TotalSeconds, disconnect.BytesReceived, disconnect.BytesSent);
                            if (ended.Established)
                            {
                                events?.Publish(SessionEvents.Disconnect(ended, _time.GetUtcNow(), disconnect.BytesReceived, disconnect.BytesSent, null));
                            }
                            _ = Task.Run(() => TryBindAsync(ended.ClientId, ended.UserName, cancellationToken), CancellationToken.None);
                        }
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task DecideAsync(OpenVpnManagementClient management, LeaseTable leases, ClientAuthentication login, CancellationToken cancellationToken)
    {
        var cid = login.ClientId;
        try
        {
            if (!VpnAuthRequests.TryCreate(login, out var request, out var refusal))
            {
                await DenyAsync(management, login, ManagementText.ForLog(login.Environment.UserName, 64), refusal, cancellationToken);
                return;
            }
            VpnAuthDecision decision;
            try
            {
                // One id for this login, kept when asked again: a replica that took the code and died is not a refusal.
                decision = await AuthorizeAsync(request with { AttemptId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) }, cid, cancellationToken);
            }
            catch (ControllerApiException ex)
            {
                Log.NoDecision(_logger, cid, request.UserName, ex.Message);
                await DenyAsync(management, login, request.UserName, ex.Unreachable || (int?)ex.StatusCode >= 500 ? ControllerUnreachable : "the login could not be checked, try again later", cancellationToken);
                return;
            }
            if (!decision.Allowed)
            {
                await DenyAsync(management, login, request.UserName, decision.Reason ?? "access denied", cancellationToken);
                return;
            }
            if (login is ClientReauth)
            {
                // A renegotiation keeps the session's address and pushes; only the go-ahead is new.
                await SendAsync(management, ManagementCommands.ClientAuthNt(cid, login.KeyId), cancellationToken);
                return;
            }

            if (!leases.TryLease(cid, out var address, out refusal))
            {
                await DenyAsync(management, login, request.UserName, refusal, cancellationToken);
                return;
            }
            ClientConnectConfig config;
            try
            {
                var push = decision.Push ?? NoPush;
                var dns = nameserver?.Address;
                config = ClientConnectConfig.FromPush(dns is null ? push : push with { DnsServers = [dns.ToString()] }).AssignAddress(address, leases.Block);
                if (dns is not null && login.Environment.SupportsDnsOption)
                {
                    config.SplitDns(dns, push.SearchDomains);
                }
                if (decision.SessionToken is { } token)
                {
                    config.SessionToken(token);
                }
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                leases.Release(cid);
                Log.BadPush(_logger, cid, request.UserName, ex.Message);
                await DenyAsync(management, login, request.UserName, "the gateway cannot apply the controller's answer; an admin must look at the gateway log", cancellationToken);
                return;
            }

            // Recorded before client-auth: a DISCONNECT right after it must find the session to end.
            _sessions.Add(new VpnSession(cid, request.UserName, decision.Profile, address, RealAddress(login.Environment), _time.GetUtcNow(),
                VpnSessionId.IsValid(decision.SessionId) ? decision.SessionId : null)
            {
                PublicAddress = SessionEvents.PublicAddressOf(login.Environment),
                ClientVersion = SessionEvents.ClientVersionOf(login.Environment),
                AdmittedAt = decision.Revision,
            });
            // The address is bound to the user's profile before the client hears it may send.
            if (!await TryBindAsync(cid, request.UserName, cancellationToken))
            {
                leases.Release(cid);
                _sessions.Remove(cid);
                await DenyAsync(management, login, request.UserName, "the gateway cannot apply your access policy; try again, and tell an admin if it persists", cancellationToken);
                return;
            }
            var reply = await SendAsync(management, ManagementCommands.ClientAuth(cid, login.KeyId, config), cancellationToken);
            if (reply is { Success: true })
            {
                Log.Allowed(_logger, cid, request.UserName, address.ToString(), decision.Profile ?? "(none)");
            }
            else
            {
                leases.Release(cid);
                _sessions.Remove(cid);
                await TryBindAsync(cid, request.UserName, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A login task must never take the gateway down; openvpn times the login out itself.
            Log.LoginFailed(_logger, cid, ex.Message, ex);
        }
    }

    /// <summary>Has the data path follow the sessions now; false (logged) when it could not.</summary>
    private async Task<bool> TryBindAsync(ulong clientId, string userName, CancellationToken cancellationToken)
    {
        if (policy is null)
        {
            return true;
        }
        try
        {
            await policy.SessionsChangedAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.BindFailed(_logger, clientId, userName, ex.Message);
            return false;
        }
    }

    private static IPEndPoint? RealAddress(ClientEnvironment environment) =>
        IPAddress.TryParse(environment.UntrustedIp, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork
        && ushort.TryParse(environment.UntrustedPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? new IPEndPoint(ip, port)
            : null;

    /// <summary>
    /// Ends every session this connection knew (openvpn stopped without telling of each): each
    /// established one is told as a disconnect, with the last status reading's byte counts.
    /// </summary>
    public void EndAll(string reason)
    {
        var now = _time.GetUtcNow();
        foreach (var session in _sessions.Snapshot())
        {
            if (_sessions.Remove(session.ClientId) is { Established: true } ended)
            {
                events?.Publish(SessionEvents.Disconnect(ended, now, null, null, ended.EndReason ?? reason));
            }
        }
    }

    private async Task DenyAsync(OpenVpnManagementClient management, ClientAuthentication login, string userName, string reason, CancellationToken cancellationToken)
    {
        Log.Denied(_logger, login.ClientId, userName, reason);
        if (login is ClientReauth)
        {
            // Not a new login: the session ends, and its disconnect says why.
            if (_sessions.Get(login.ClientId) is { } session)
            {
                session.EndReason = "renegotiation refused: " + reason;
            }
        }
        else
        {
            events?.Publish(SessionEvents.Refused(userName, login.Environment, _time.GetUtcNow(), reason));
        }
        await SendAsync(management, ManagementCommands.ClientDeny(login.ClientId, login.KeyId, reason, reason), cancellationToken);
    }

    private async Task<CommandReply?> SendAsync(OpenVpnManagementClient management, ManagementCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await management.SendAsync(command, cancellationToken);
        }
        catch (Exception ex) when (ex is ManagementConnectionException or TimeoutException)
        {
            Log.CommandFailed(_logger, command.Description, ex.Message);
            return null;
        }
    }

    private async Task<VpnAuthDecision> AuthorizeAsync(VpnAuthRequest request, ulong cid, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await authorize(request, cancellationToken);
            }
            catch (ControllerApiException ex) when (ex.Transient && attempt < AuthRetries.Length)
            {
                Log.AskingAgain(_logger, cid, request.UserName, ex.Message);
                await Task.Delay(AuthRetries[attempt], _time, cancellationToken);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4330, Level = LogLevel.Information, Message = "Login {ClientId} of {UserName} allowed: address {Address}, profile {Profile}")]
        public static partial void Allowed(ILogger logger, ulong clientId, string userName, string address, string profile);

        [LoggerMessage(EventId = 4331, Level = LogLevel.Information, Message = "Login {ClientId} of {UserName} denied: {Reason}")]
        public static partial void Denied(ILogger logger, ulong clientId, string userName, string reason);

        [LoggerMessage(EventId = 4332, Level = LogLevel.Warning, Message = "Login {ClientId} of {UserName}: no decision from the controller: {Error}")]
        public static partial void NoDecision(ILogger logger, ulong clientId, string userName, string error);

        [LoggerMessage(EventId = 4338, Level = LogLevel.Information, Message = "Login {ClientId} of {UserName}: asking the controller again: {Error}")]
        public static partial void AskingAgain(ILogger logger, ulong clientId, string userName, string error);

        [LoggerMessage(EventId = 4333, Level = LogLevel.Error, Message = "Login {ClientId} of {UserName}: the controller's push cannot be applied: {Error}")]
        public static partial void BadPush(ILogger logger, ulong clientId, string userName, string error);

        [LoggerMessage(EventId = 4334, Level = LogLevel.Error, Message = "Login {ClientId} failed: {Error}")]
        public static partial void LoginFailed(ILogger logger, ulong clientId, string error, Exception exception);

        [LoggerMessage(EventId = 4335, Level = LogLevel.Warning, Message = "{Command} failed: {Error}")]
        public static partial void CommandFailed(ILogger logger, string command, string error);

        [LoggerMessage(EventId = 4337, Level = LogLevel.Error, Message = "Session {ClientId} of {UserName}: the policy table could not follow the sessions: {Error}")]
        public static partial void BindFailed(ILogger logger, ulong clientId, string userName, string error);

        [LoggerMessage(EventId = 4336, Level = LogLevel.Information, Message = "Session {ClientId} of {UserName} ({Address}) ended after {Seconds:0} s, {BytesReceived} bytes in, {BytesSent} bytes out")]
        public static partial void SessionEnded(ILogger logger, ulong clientId, string userName, string address, double seconds, ulong? bytesReceived, ulong? bytesSent);
    }
}
