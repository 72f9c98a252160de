using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Skyhook.Core.Dns;
using Skyhook.Linux;

namespace Skyhook.Gateway.Dns;

/// <summary>
/// The sockets of the DNS service: UDP and TCP on one address and port, in the gateway's network
/// namespace. The address is the gateway's tunnel address, which exists only while openvpn runs:
/// the sockets are bound with IP_FREEBIND, so they are in place before the first client and stay
/// through openvpn restarts. UDP is served by one loop per core, each with its own buffers (the hot
/// path allocates only the client's end point, the query's name and its event); TCP by one task per
/// connection, at most <c>maxTcpConnections</c>, each closed after 10 s without a query.
/// </summary>
/// <remarks>
/// The loops share the UDP socket, so they use the <see cref="EndPoint"/> overloads of ReceiveFromAsync
/// and SendToAsync. The <see cref="SocketAddress"/> overloads detach the address from the socket's
/// cached event args in a finally block, after those args may already carry another loop's
/// operation: under dnsperf one loop's address was wiped under the other's send, and .NET 10.0.12
/// threw NullReferenceException or "Null is not a valid value for e.RemoteEndPoint", which ended that
/// loop for good (found by bench/dns.sh; with every loop ended, UDP would go unanswered).
/// </remarks>
public sealed partial class DnsServer : IAsyncDisposable
{
    private const int IpFreeBind = 15;
    private static readonly TimeSpan TcpIdle = TimeSpan.FromSeconds(10);

    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly DnsHandler _handler;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _tcpSlots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];

    private DnsServer(Socket udp, Socket tcp, DnsHandler handler, int maxTcpConnections, ILogger logger)
    {
        _udp = udp;
        _tcp = tcp;
        _handler = handler;
        _logger = logger;
        _tcpSlots = new SemaphoreSlim(maxTcpConnections, maxTcpConnections);
    }

    /// <summary>Where it listens (port 0 given: the port the system chose, the same for UDP and TCP).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_udp.LocalEndPoint!;

    /// <summary>Binds and starts serving. <paramref name="networkNamespace"/>: null for this process's own.</summary>
    /// <exception cref="SocketException">The address and port cannot be bound (in use).</exception>
    public static DnsServer Start(IPEndPoint endPoint, string? networkNamespace, DnsHandler handler, int maxTcpConnections, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var udp = Bind(networkNamespace, endPoint, SocketType.Dgram, ProtocolType.Udp);
        Socket tcp;
        try
        {
            tcp = Bind(networkNamespace, new IPEndPoint(endPoint.Address, ((IPEndPoint)udp.LocalEndPoint!).Port), SocketType.Stream, ProtocolType.Tcp);
            tcp.Listen(128);
        }
        catch
        {
            udp.Dispose();
            throw;
        }
        var server = new DnsServer(udp, tcp, handler, maxTcpConnections, logger);
        for (var i = 0; i < Math.Max(2, Environment.ProcessorCount); i++)
        {
            server._loops.Add(Task.Run(server.ServeUdpAsync));
        }
        server._loops.Add(Task.Run(server.AcceptTcpAsync));
        return server;
    }

    /// <summary>A socket for talking to upstream servers from the same namespace.</summary>
    public static Func<AddressFamily, SocketType, ProtocolType, Socket> SocketsIn(string? networkNamespace) =>
        (family, type, protocol) => NetworkNamespace.CreateSocket(networkNamespace, family, type, protocol);

    public async ValueTask DisposeAsync()
    {
        // The loops end on the cancellation (their receives and accepts take the token); the sockets
        // close only after them, so no loop works on a closed socket.
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        _udp.Dispose();
        _tcp.Dispose();
        _stopping.Dispose();
        _tcpSlots.Dispose();
    }

    private static Socket Bind(string? networkNamespace, IPEndPoint endPoint, SocketType type, ProtocolType protocol)
    {
        var socket = NetworkNamespace.CreateSocket(networkNamespace, endPoint.AddressFamily, type, protocol);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetwork)
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpFreeBind, BitConverter.GetBytes(1));
            }
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task ServeUdpAsync()
    {
        var cancellationToken = _stopping.Token;
        var message = new byte[ushort.MaxValue];
        var reply = new byte[DnsMessages.MaxUdpAnswer];
        EndPoint anyone = _udp.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var result = await _udp.ReceiveFromAsync(message, SocketFlags.None, anyone, cancellationToken);
                var received = result.ReceivedBytes;
                var client = (IPEndPoint)result.RemoteEndPoint;
                switch (_handler.Answer(message.AsSpan(0, received), client.Address, overTcp: false, reply, out var length, out var query))
                {
                    case DnsStep.Reply:
                        await _udp.SendToAsync(reply.AsMemory(0, length), SocketFlags.None, client, cancellationToken);
                        break;
                    case DnsStep.Forward:
                        _ = ForwardUdpAsync(message.AsSpan(0, received).ToArray(), query, client, cancellationToken);
                        break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // An ICMP error from an earlier send to a client that went away; the socket is fine.
                Log.UdpError(_logger, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Whatever one message did, the loop serves on: a loop that ended would leave UDP
                // unanswered without a sign (the bug the remarks above describe ended loops so).
                Log.UdpLoopFailed(_logger, ex);
            }
        }
    }

    private async Task ForwardUdpAsync(byte[] message, DnsQuery query, IPEndPoint client, CancellationToken cancellationToken)
    {
        try
        {
            var reply = new byte[DnsMessages.MaxUdpAnswer];
            var length = await _handler.ForwardAsync(message, query, client.Address, overTcp: false, reply, cancellationToken);
            await _udp.SendToAsync(reply.AsMemory(0, length), SocketFlags.None, client, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task AcceptTcpAsync()
    {
        var cancellationToken = _stopping.Token;
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _tcp.AcceptAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.TcpError(_logger, ex.Message);
                continue;
            }
            if (!_tcpSlots.Wait(0))
            {
                connection.Dispose();
                continue;
            }
            _ = ServeTcpAsync(connection, cancellationToken);
        }
    }

    private async Task ServeTcpAsync(Socket connection, CancellationToken cancellationToken)
    {
        try
        {
            using (connection)
            {
                await using var stream = new NetworkStream(connection, ownsSocket: false);
                var client = ((IPEndPoint)connection.RemoteEndPoint!).Address;
                var lengthBytes = new byte[2];
                var message = new byte[ushort.MaxValue];
                var reply = new byte[DnsHandler.MaxTcpMessage + 2];
                while (true)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    idle.CancelAfter(TcpIdle);
                    if (await stream.ReadAtLeastAsync(lengthBytes, 2, throwOnEndOfStream: false, idle.Token) < 2)
                    {
                        return;
                    }
                    var length = BinaryPrimitives.ReadUInt16BigEndian(lengthBytes);
                    await stream.ReadExactlyAsync(message.AsMemory(0, length), idle.Token);
                    var step = _handler.Answer(message.AsSpan(0, length), client, overTcp: true, reply.AsSpan(2), out var replyLength, out var query);
                    if (step == DnsStep.Drop)
                    {
                        return;
                    }
                    if (step == DnsStep.Forward)
                    {
                        replyLength = await _handler.ForwardAsync(message.AsMemory(0, length), query, client, overTcp: true, reply.AsMemory(2), cancellationToken);
                    }
                    BinaryPrimitives.WriteUInt16BigEndian(reply, (ushort)replyLength);
                    await stream.WriteAsync(reply.AsMemory(0, replyLength + 2), cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away, was idle too long, or sent less than it announced.
        }
        finally
        {
            _tcpSlots.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4730, Level = LogLevel.Debug, Message = "DNS UDP socket error (serving on): {Error}")]
        public static partial void UdpError(ILogger logger, string error);

        [LoggerMessage(EventId = 4732, Level = LogLevel.Error, Message = "A DNS UDP loop failed on one message (serving on)")]
        public static partial void UdpLoopFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 4731, Level = LogLevel.Debug, Message = "DNS TCP accept failed (serving on): {Error}")]
        public static partial void TcpError(ILogger logger, string error);
    }
}
