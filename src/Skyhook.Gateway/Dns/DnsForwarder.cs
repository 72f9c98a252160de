using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Skyhook.Core.Dns;

namespace Skyhook.Gateway.Dns;

/// <summary>
/// Names that are not container names go to the upstream servers (the group's nameservers, else the
/// host's), one after another within one time budget; a server that refuses, fails (SERVFAIL) or is
/// silent hands over to the next, and when none answers the caller gets null and the client SERVFAIL
/// at once. Each upstream query has its own socket (a fresh source port) and a random id, and only
/// an answer from that server to that exact question counts, which is what keeps forged answers out
/// of the cache. A truncated answer is asked again over TCP. Clients asking the same question
/// meanwhile share one upstream query.
/// </summary>
public sealed partial class DnsForwarder(
    Func<AddressFamily, SocketType, ProtocolType, Socket> sockets,
    DnsCache cache,
    TimeProvider time,
    TimeSpan budget,
    ILogger logger)
{
    private const int MinimumTry = 250;
    private readonly ConcurrentDictionary<DnsCacheKey, Task<DnsCacheEntry?>> _inFlight = new();

    public DnsCache Cache => cache;

    /// <summary>The answer to <paramref name="key"/>, or null when no upstream gave one within the budget.</summary>
    public Task<DnsCacheEntry?> ResolveAsync(DnsCacheKey key, IReadOnlyList<IPEndPoint> upstreams, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upstreams);
        while (true)
        {
            if (_inFlight.TryGetValue(key, out var pending))
            {
                return pending;
            }
            var answer = new TaskCompletionSource<DnsCacheEntry?>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight.TryAdd(key, answer.Task))
            {
                _ = RunAsync(key, upstreams, answer, cancellationToken);
                return answer.Task;
            }
        }
    }

    private async Task RunAsync(DnsCacheKey key, IReadOnlyList<IPEndPoint> upstreams, TaskCompletionSource<DnsCacheEntry?> answer, CancellationToken cancellationToken)
    {
        try
        {
            answer.SetResult(await AskUpstreamsAsync(key, upstreams, cancellationToken));
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException)
            {
                Log.ForwardFailed(logger, key.Name, ex.Message);
            }
            answer.SetResult(null);
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    private async Task<DnsCacheEntry?> AskUpstreamsAsync(DnsCacheKey key, IReadOnlyList<IPEndPoint> upstreams, CancellationToken cancellationToken)
    {
        var query = new byte[DnsMessages.HeaderLength + 255 + 4 + 11];
        var id = (ushort)RandomNumberGenerator.GetInt32(0x10000);
        int length;
        try
        {
            length = DnsMessages.WriteQuery(query, id, key.Name, key.Type, key.Class, key.DnssecOk);
        }
        catch (ArgumentException)
        {
            return null;
        }
        var started = time.GetTimestamp();
        for (var i = 0; i < upstreams.Count; i++)
        {
            var remaining = budget - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }
            // The budget is shared among the servers still to try, so a silent first one leaves the others time.
            var attempt = TimeSpan.FromMilliseconds(Math.Max(MinimumTry, remaining.TotalMilliseconds / (upstreams.Count - i)));
            var upstream = upstreams[i];
            var answer = await AskAsync(upstream, SocketType.Dgram, query.AsMemory(0, length), id, key, Min(attempt, remaining), cancellationToken);
            if (answer is { Info.Truncated: true })
            {
                answer = await AskAsync(upstream, SocketType.Stream, query.AsMemory(0, length), id, key, budget - time.GetElapsedTime(started), cancellationToken);
            }
            if (answer is not var (response, info) || info.Code is DnsResponseCode.ServerFailure or DnsResponseCode.Refused)
            {
                Log.UpstreamSilent(logger, upstream.ToString(), key.Name, answer?.Info.Code.ToString() ?? "no answer");
                continue;
            }
            cache.TryAdd(key, response, info);
            return new DnsCacheEntry(response, info, time.GetTimestamp(), info.CacheTtl ?? 0);
        }
        return null;
    }

    private async Task<(byte[] Response, DnsResponseInfo Info)?> AskAsync(
        IPEndPoint upstream, SocketType type, ReadOnlyMemory<byte> query, ushort id, DnsCacheKey key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return null;
        }
        using var expiry = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        try
        {
            using var socket = sockets(upstream.AddressFamily, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
            // Connected: the kernel passes on only that server's packets, and an ICMP "port
            // unreachable" ends the wait at once instead of at the timeout.
            await socket.ConnectAsync(upstream, linked.Token);
            return type == SocketType.Stream
                ? await AskOverTcpAsync(socket, query, id, key, linked.Token)
                : await AskOverUdpAsync(socket, query, id, key, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return null;
        }
    }

    private static async Task<(byte[], DnsResponseInfo)?> AskOverUdpAsync(Socket socket, ReadOnlyMemory<byte> query, ushort id, DnsCacheKey key, CancellationToken cancellationToken)
    {
        await socket.SendAsync(query, SocketFlags.None, cancellationToken);
        var buffer = new byte[DnsMessages.MaxUdpAnswer + 512];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (DnsMessages.TryReadResponse(buffer.AsSpan(0, received), id, key.Name, key.Type, key.Class, out var info))
            {
                return (buffer.AsSpan(0, received).ToArray(), info);
            }
            // Anything else (a late answer to an earlier try, garbage) is ignored; the timeout ends the wait.
        }
    }

    private static async Task<(byte[], DnsResponseInfo)?> AskOverTcpAsync(Socket socket, ReadOnlyMemory<byte> query, ushort id, DnsCacheKey key, CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var prefixed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(prefixed, (ushort)query.Length);
        query.CopyTo(prefixed.AsMemory(2));
        await stream.WriteAsync(prefixed, cancellationToken);
        var lengthBytes = new byte[2];
        await stream.ReadExactlyAsync(lengthBytes, cancellationToken);
        var response = new byte[BinaryPrimitives.ReadUInt16BigEndian(lengthBytes)];
        await stream.ReadExactlyAsync(response, cancellationToken);
        return DnsMessages.TryReadResponse(response, id, key.Name, key.Type, key.Class, out var info) ? (response, info) : null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static partial class Log
    {
        [LoggerMessage(EventId = 4720, Level = LogLevel.Debug, Message = "DNS upstream {Upstream} gave no usable answer for {Name}: {Outcome}")]
        public static partial void UpstreamSilent(ILogger logger, string upstream, string name, string outcome);

        [LoggerMessage(EventId = 4721, Level = LogLevel.Warning, Message = "Forwarding {Name} failed: {Error}")]
        public static partial void ForwardFailed(ILogger logger, string name, string error);
    }
}
