using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Dns;
using Skyhook.Gateway.Discovery;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Vpn;

namespace Skyhook.Gateway.Dns;

/// <summary>
/// Keeps the DNS service on the desired state and the containers. It listens on this gateway's tunnel
/// address (the first of its client block, pushed to clients as their nameserver,
/// <see cref="IVpnNameserver"/>), and binds again when the block changes. Its names are rebuilt from
/// every desired state (users, profiles, search domains, the hiding switch, the nameservers to
/// forward to) and every discovery snapshot, the same one the policy table is compiled from: a name
/// resolves for a user exactly when the table lets the user reach one of its addresses, and a
/// container that moves is answered at its new address as soon as discovery sees it. Docker's own
/// DNS (127.0.0.11 in the anchor's namespace) would answer the same names, but one query at a time
/// through dockerd, with no notion of who asks. A port that cannot be bound is logged and retried
/// at the next state; the gateway serves VPN and policy meanwhile, and clients are not sent to it.
/// </summary>
public sealed partial class DnsReconciler : IDesiredStateReconciler, IVpnNameserver, IHostedService, IAsyncDisposable
{
    private readonly DnsOptions _options;
    private readonly string? _namespace;
    private readonly IEndpointSource? _endpoints;
    private readonly DnsHandler _handler;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ValidatedState? _state;
    private long _builtRevision = -1;
    private long _builtEndpoints = -1;
    private DnsServer? _server;
    private Task? _following;

    public DnsReconciler(
        IOptions<DnsOptions> options,
        IOptions<GatewayOptions> gateway,
        VpnSessions sessions,
        IDnsQueryObserver observer,
        TimeProvider time,
        ILoggerFactory loggers,
        IEndpointSource? endpoints = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options.Value;
        _namespace = gateway.Value.NetworkNamespace;
        _endpoints = endpoints;
        _loggers = loggers;
        _logger = loggers.CreateLogger<DnsReconciler>();
        var forwarder = new DnsForwarder(
            DnsServer.SocketsIn(_namespace),
            new DnsCache(_options.CacheEntries, time),
            time,
            TimeSpan.FromMilliseconds(_options.UpstreamTimeoutMilliseconds),
            loggers.CreateLogger<DnsForwarder>());
        _handler = new DnsHandler(sessions, forwarder, observer, time, (uint)_options.ContainerTtlSeconds);
    }

    public string Name => "dns";

    public IPAddress? Address => _server?.EndPoint.Address;

    public async Task ApplyAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!_options.Enabled)
        {
            return;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _state = state;
            Rebuild();
            var endPoint = new IPEndPoint(state.ClientBlock.AddressAt(1), _options.Port);
            if (_server is not null && !_server.EndPoint.Equals(endPoint))
            {
                await _server.DisposeAsync();
                _server = null;
            }
            if (_server is null)
            {
                try
                {
                    _server = DnsServer.Start(endPoint, _namespace, _handler, _options.MaxTcpConnections, _loggers.CreateLogger<DnsServer>());
                    Log.Listening(_logger, _server.EndPoint.ToString(), _namespace ?? "(own)");
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
                {
                    Log.BindFailed(_logger, endPoint.ToString(), ex.Message);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Enabled && _endpoints is not null)
        {
            _following = _endpoints.FollowAsync(ContainersChangedAsync, _stopping.Token);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_following is { } following)
        {
            await following.WaitAsync(cancellationToken);
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
                _server = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None);
        }
        _stopping.Dispose();
        _gate.Dispose();
    }

    // Under the gate.
    private void Rebuild()
    {
        var state = _state!;
        var endpoints = _endpoints?.Current ?? EndpointSnapshot.Empty;
        if (_builtRevision == state.Revision && _builtEndpoints == endpoints.Version)
        {
            return;
        }
        var names = OverlayNameTable.Build(endpoints.Endpoints, state.SearchDomains);
        _handler.View = new DnsView(names, state, Upstreams(state));
        _builtRevision = state.Revision;
        _builtEndpoints = endpoints.Version;
        Log.Rebuilt(_logger, names.NameCount, state.Revision, endpoints.Version);
    }

    /// <summary>The group's nameservers, or the host's resolvers (/etc/resolv.conf) when it names none.</summary>
    private static IReadOnlyList<IPEndPoint> Upstreams(ValidatedState state) =>
        (state.Nameservers.Count > 0 ? state.Nameservers : HostResolvers.Read("/etc/resolv.conf"))
            .Select(address => new IPEndPoint(address, 53))
            .ToList();

    private async Task ContainersChangedAsync(EndpointSnapshot snapshot, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_state is not null)
            {
                Rebuild();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4700, Level = LogLevel.Information, Message = "DNS service listening on {EndPoint} (UDP and TCP) in network namespace {Namespace}")]
        public static partial void Listening(ILogger logger, string endPoint, string @namespace);

        [LoggerMessage(EventId = 4701, Level = LogLevel.Error, Message = "The DNS service cannot listen on {EndPoint}: {Error}. Clients get no nameserver from this gateway until a later state binds it")]
        public static partial void BindFailed(ILogger logger, string endPoint, string error);

        [LoggerMessage(EventId = 4702, Level = LogLevel.Information, Message = "DNS names rebuilt: {Names} names (revision {Revision}, discovery {Discovery})")]
        public static partial void Rebuilt(ILogger logger, int names, long revision, long discovery);
    }
}
