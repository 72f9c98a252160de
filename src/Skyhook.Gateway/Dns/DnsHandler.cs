using System.Net;
using Skyhook.Core.Dns;
using Skyhook.Gateway.Vpn;

namespace Skyhook.Gateway.Dns;

/// <summary>
/// Answers one DNS message, the same for UDP and TCP. Only a VPN session's address is answered (the
/// user decides which names exist: <see cref="DnsView.Find"/>); anything else is REFUSED. Container
/// names are answered at once, and so are forwarded names still in the cache; the rest wait for the
/// upstreams (<see cref="ForwardAsync"/>), so the UDP loops never wait on the network. A UDP answer
/// never exceeds what the client can take (512 bytes, or its EDNS size up to
/// <see cref="DnsMessages.MaxUdpAnswer"/>): a longer one goes out truncated, and the client asks
/// again over TCP. A name with several addresses (a service's tasks) starts at the next one each time
/// (<see cref="RotatedAddresses"/>). Every answered query is told to the <see cref="IDnsQueryObserver"/>.
/// </summary>
public sealed class DnsHandler(VpnSessions sessions, DnsForwarder forwarder, IDnsQueryObserver observer, TimeProvider time, uint containerTtl)
{
    /// <summary>Replies over TCP carry a 2-byte length: never more than this.</summary>
    public const int MaxTcpMessage = ushort.MaxValue;

    private volatile DnsView _view = DnsView.Empty;
    private int _turn;

    public DnsView View
    {
        get => _view;
        set => _view = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// The first step for a received message, without waiting on anything. <paramref name="reply"/>
    /// must hold <see cref="MaxTcpMessage"/> bytes over TCP and <see cref="DnsMessages.MaxUdpAnswer"/> over UDP.
    /// </summary>
    public DnsStep Answer(ReadOnlySpan<byte> message, IPAddress client, bool overTcp, Span<byte> reply, out int length, out DnsQuery query)
    {
        length = 0;
        var parse = DnsMessages.ParseQuery(message, out query);
        if (parse == DnsQueryParse.Ignore)
        {
            return DnsStep.Drop;
        }
        var session = sessions.AtAddress(client);
        if (parse != DnsQueryParse.Ok || session is null)
        {
            var code = parse switch
            {
                DnsQueryParse.Ok => DnsResponseCode.Refused,
                DnsQueryParse.NotImplemented => DnsResponseCode.NotImplemented,
                _ => DnsResponseCode.FormatError,
            };
            length = DnsMessages.WriteError(reply, message, query, parse == DnsQueryParse.Ok, code);
            Observe(client, session?.UserName, query, code, DnsAnswerSource.Refused, []);
            return DnsStep.Reply;
        }

        var view = _view;
        var addresses = view.Find(query.Name, session.UserName);
        if (addresses is { Count: > 1 })
        {
            addresses = new RotatedAddresses(addresses, Interlocked.Increment(ref _turn));
        }
        if (addresses is not null)
        {
            var code = addresses.Count == 0 ? DnsResponseCode.NameError : DnsResponseCode.NoError;
            length = DnsMessages.WriteAnswer(reply, message, query, code, authoritative: true, addresses, containerTtl, MaxLength(query, overTcp));
            Observe(client, session.UserName, query, code, code == DnsResponseCode.NameError ? DnsAnswerSource.Hidden : DnsAnswerSource.Container, addresses);
            return DnsStep.Reply;
        }
        if (forwarder.Cache.TryGet(Key(query), out var cached, out var age))
        {
            length = Relay(cached, age, message, query, overTcp, reply);
            Observe(client, session.UserName, query, cached.Info.Code, DnsAnswerSource.Cache, []);
            return DnsStep.Reply;
        }
        return DnsStep.Forward;
    }

    /// <summary>The second step after <see cref="DnsStep.Forward"/>: the upstreams' answer, or SERVFAIL. Returns the reply's length.</summary>
    public async Task<int> ForwardAsync(ReadOnlyMemory<byte> message, DnsQuery query, IPAddress client, bool overTcp, Memory<byte> reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var user = sessions.AtAddress(client)?.UserName;
        var answer = await forwarder.ResolveAsync(Key(query), _view.Upstreams, cancellationToken);
        if (answer is null)
        {
            Observe(client, user, query, DnsResponseCode.ServerFailure, DnsAnswerSource.Failed, []);
            return DnsMessages.WriteError(reply.Span, message.Span, query, true, DnsResponseCode.ServerFailure);
        }
        Observe(client, user, query, answer.Info.Code, DnsAnswerSource.Upstream, []);
        return Relay(answer, 0, message.Span, query, overTcp, reply.Span);
    }

    private static int Relay(DnsCacheEntry answer, uint age, ReadOnlySpan<byte> message, in DnsQuery query, bool overTcp, Span<byte> reply)
    {
        var response = answer.Response;
        if (response.Length > MaxLength(query, overTcp))
        {
            var truncated = DnsMessages.WriteTruncated(reply, response, answer.Info.QuestionEnd);
            DnsMessages.Personalize(reply[..truncated], message, query, 0, []);
            return truncated;
        }
        response.CopyTo(reply);
        DnsMessages.Personalize(reply[..response.Length], message, query, age, answer.Info.TtlOffsets);
        return response.Length;
    }

    private static int MaxLength(in DnsQuery query, bool overTcp) =>
        overTcp ? MaxTcpMessage : Math.Min((int)query.UdpPayloadSize, DnsMessages.MaxUdpAnswer);

    private static DnsCacheKey Key(in DnsQuery query) => new(query.Name, query.Type, query.Class, query.DnssecOk);

    private void Observe(IPAddress client, string? user, in DnsQuery query, DnsResponseCode code, DnsAnswerSource source, IReadOnlyList<IPAddress> addresses) =>
        observer.Observe(new DnsQueryEvent(time.GetUtcNow(), client, user, query.Name ?? "", (DnsRecordType)query.Type, code, source, addresses));
}
