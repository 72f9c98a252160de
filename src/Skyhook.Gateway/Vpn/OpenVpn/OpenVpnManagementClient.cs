using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// One connection to an openvpn server's management socket (<c>management PATH unix</c> with
/// <c>management-client-auth</c>). Lines are parsed into <see cref="Events"/>; commands go out one
/// at a time and each waits for its SUCCESS/ERROR, because replies carry no id and arrive in order.
/// Single use: when <see cref="Completion"/> finishes the connection is gone (openvpn restarted, or
/// disposed), and the owner connects a new instance.
/// </summary>
public sealed partial class OpenVpnManagementClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly ILogger _logger;
    private readonly OpenVpnManagementOptions _options;
    private readonly TimeProvider _time;
    private readonly ManagementParser _parser;
    private readonly Channel<ManagementEvent> _events;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _commandGate = new(1, 1);
    private readonly Lock _lock = new();
    private TaskCompletionSource<CommandReply>? _pending;
    // Whether the pending command's reply is lines up to END (status); set and cleared with _pending.
    private bool _pendingHasLines;
    private bool _closed;
    private int _disposed;

    private OpenVpnManagementClient(Socket socket, ILogger logger, OpenVpnManagementOptions options, TimeProvider time)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _logger = logger;
        _options = options;
        _time = time;
        _parser = new ManagementParser(options.Limits, logger);
        _events = Channel.CreateBounded<ManagementEvent>(new BoundedChannelOptions(options.EventCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Completion = Task.Run(() => ReadLoopAsync(_lifetime.Token));
    }

    /// <summary>
    /// Every event except command replies (those complete <see cref="SendAsync"/>), in the order
    /// openvpn wrote them. Completes when the connection ends.
    /// </summary>
    public ChannelReader<ManagementEvent> Events => _events.Reader;

    /// <summary>Finishes when the connection is closed by openvpn, fails, or this client is disposed. Never faults.</summary>
    public Task Completion { get; }

    /// <summary>Connects to the management unix socket at <paramref name="socketPath"/>.</summary>
    /// <exception cref="ManagementConnectionException">Nothing listens there (yet).</exception>
    public static async Task<OpenVpnManagementClient> ConnectAsync(
        string socketPath,
        ILogger<OpenVpnManagementClient>? logger,
        OpenVpnManagementOptions? options,
        TimeProvider? time,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        var log = (ILogger?)logger ?? NullLogger.Instance;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ManagementConnectionException($"cannot connect to the OpenVPN management socket {socketPath}: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        Log.Connected(log, socketPath);
        return new OpenVpnManagementClient(socket, log, options ?? new OpenVpnManagementOptions(), time ?? TimeProvider.System);
    }

    /// <summary>
    /// Sends one command and returns openvpn's reply (ERROR is a reply, not an exception). Waits for
    /// earlier commands first. When the wait for the reply is cancelled or times out, the next
    /// command still waits for this reply, so that replies never get attached to the wrong command.
    /// </summary>
    /// <exception cref="ManagementConnectionException">The connection is closed or failed.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="OpenVpnManagementOptions.CommandTimeout"/>.</exception>
    public async Task<CommandReply> SendAsync(ManagementCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _commandGate.WaitAsync(cancellationToken);
        var gateHandedOver = false;
        try
        {
            var reply = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (_closed)
                {
                    throw new ManagementConnectionException("the OpenVPN management connection is closed");
                }
                _pending = reply;
                _pendingHasLines = command.ReplyHasLines;
            }

            Log.Sending(_logger, command.Description);
            try
            {
                // Not the caller's token: a write cut in the middle would leave half a command on
                // the socket. Only closing the connection stops a write.
                await _stream.WriteAsync(Encoding.UTF8.GetBytes(command.Text), _lifetime.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                lock (_lock)
                {
                    _pending = null;
                }
                throw new ManagementConnectionException("cannot write to the OpenVPN management socket: " + ex.Message, ex);
            }

            try
            {
                var result = await reply.Task.WaitAsync(_options.CommandTimeout, _time, cancellationToken);
                if (result.Success)
                {
                    Log.Succeeded(_logger, command.Description, result.Message);
                }
                else
                {
                    Log.Failed(_logger, command.Description, result.Message);
                }
                return result;
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                if (ex is TimeoutException)
                {
                    Log.TimedOut(_logger, command.Description, _options.CommandTimeout.TotalSeconds);
                }
                gateHandedOver = true;
                _ = reply.Task.ContinueWith(_ => _commandGate.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }
        }
        finally
        {
            if (!gateHandedOver)
            {
                _commandGate.Release();
            }
        }
    }

    /// <summary>Closes the connection, ends the read loop and fails a command still waiting. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _lifetime.CancelAsync();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already closed by the other side.
        }
        _socket.Dispose();
        await Completion;
        await _stream.DisposeAsync();
        _lifetime.Dispose();
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var reason = "closed by openvpn";
        try
        {
            var reader = new ManagementLineReader(_stream, _options.Limits.MaxLineLength + 1);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                bool replyHasLines;
                lock (_lock)
                {
                    replyHasLines = _pending is not null && _pendingHasLines;
                }
                var events = line.Oversized ? _parser.FeedOversized(line.Length) : _parser.Feed(line.Text, replyHasLines);
                foreach (var item in events)
                {
                    await DispatchAsync(item, cancellationToken);
                }
            }
            foreach (var item in _parser.Complete())
            {
                await DispatchAsync(item, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "closed by the gateway";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            reason = cancellationToken.IsCancellationRequested ? "closed by the gateway" : "failed: " + ex.Message;
        }
        finally
        {
            TaskCompletionSource<CommandReply>? pending;
            lock (_lock)
            {
                _closed = true;
                pending = _pending;
                _pending = null;
            }
            pending?.TrySetException(new ManagementConnectionException("the OpenVPN management connection " + reason + " before the reply"));
            _events.Writer.TryComplete();
            Log.Closed(_logger, reason);
        }
    }

    private async ValueTask DispatchAsync(ManagementEvent item, CancellationToken cancellationToken)
    {
        switch (item)
        {
            case CommandReply reply:
                TaskCompletionSource<CommandReply>? pending;
                lock (_lock)
                {
                    pending = _pending;
                    _pending = null;
                }
                if (pending is null)
                {
                    Log.UnexpectedReply(_logger, reply.Success, ManagementText.ForLog(reply.Message));
                }
                else
                {
                    pending.TrySetResult(reply);
                }
                return;
            case ClientConnect connect:
                // Before authentication there is no common name yet (no client certificate): the typed user name.
                Log.ClientConnect(_logger, connect.ClientId, connect.KeyId, ManagementText.ForLog(connect.Environment.UserName ?? connect.Environment.CommonName, 64), ManagementText.ForLog(connect.Environment.UntrustedIp, 64));
                break;
            case ClientReauth reauth:
                Log.ClientReauth(_logger, reauth.ClientId, reauth.KeyId, ManagementText.ForLog(reauth.Environment.UserName ?? reauth.Environment.CommonName, 64));
                break;
            case ClientEstablished established:
                Log.ClientEstablished(_logger, established.ClientId, ManagementText.ForLog(established.Environment.CommonName, 64));
                break;
            case ClientDisconnect disconnect:
                Log.ClientDisconnect(_logger, disconnect.ClientId, ManagementText.ForLog(disconnect.Environment.CommonName, 64), disconnect.BytesReceived, disconnect.BytesSent);
                break;
            case ManagementNotification { Source: "FATAL" } fatal:
                Log.Fatal(_logger, ManagementText.ForLog(fatal.Text));
                break;
            case ManagementNotification notification:
                Log.Notification(_logger, notification.Source, ManagementText.ForLog(notification.Text));
                break;
        }
        await _events.Writer.WriteAsync(item, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Connected to the OpenVPN management socket {Path}")]
        public static partial void Connected(ILogger logger, string path);

        [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "OpenVPN management connection {Reason}")]
        public static partial void Closed(ILogger logger, string reason);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Sending {Command}")]
        public static partial void Sending(ILogger logger, string command);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "{Command}: SUCCESS {Message}")]
        public static partial void Succeeded(ILogger logger, string command, string message);

        [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "{Command}: ERROR {Message}")]
        public static partial void Failed(ILogger logger, string command, string message);

        [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "{Command}: no reply within {Seconds} s")]
        public static partial void TimedOut(ILogger logger, string command, double seconds);

        [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "A reply came with no command waiting for it: {Success} {Message}")]
        public static partial void UnexpectedReply(ILogger logger, bool success, string message);

        [LoggerMessage(EventId = 4107, Level = LogLevel.Information, Message = "Client {ClientId} key {KeyId} connects as {UserName} from {Address}")]
        public static partial void ClientConnect(ILogger logger, ulong clientId, ulong keyId, string userName, string address);

        [LoggerMessage(EventId = 4108, Level = LogLevel.Debug, Message = "Client {ClientId} renegotiates key {KeyId} as {UserName}")]
        public static partial void ClientReauth(ILogger logger, ulong clientId, ulong keyId, string userName);

        [LoggerMessage(EventId = 4109, Level = LogLevel.Information, Message = "Client {ClientId} ({CommonName}) established")]
        public static partial void ClientEstablished(ILogger logger, ulong clientId, string commonName);

        [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "Client {ClientId} ({CommonName}) disconnected, {BytesReceived} bytes in, {BytesSent} bytes out")]
        public static partial void ClientDisconnect(ILogger logger, ulong clientId, string commonName, ulong? bytesReceived, ulong? bytesSent);

        [LoggerMessage(EventId = 4111, Level = LogLevel.Debug, Message = "OpenVPN {Source}: {Text}")]
        public static partial void Notification(ILogger logger, string source, string text);

        [LoggerMessage(EventId = 4112, Level = LogLevel.Error, Message = "OpenVPN FATAL: {Text}")]
        public static partial void Fatal(ILogger logger, string text);
    }
}
