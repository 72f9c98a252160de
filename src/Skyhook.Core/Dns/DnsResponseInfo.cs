namespace Skyhook.Core.Dns;

/// <summary>
/// What <see cref="DnsMessages.TryReadResponse"/> learned from an upstream response.
/// <paramref name="Code"/>: the header's RCODE; the ones <see cref="DnsResponseCode"/> does not name
/// (NOTAUTH, extended codes, ...) read as <see cref="DnsResponseCode.ServerFailure"/>, because to a client
/// of a forwarder they all mean "the upstream could not answer". <paramref name="TtlOffsets"/>: where the
/// TTL of every record but OPT sits, for aging a cached copy. <paramref name="CacheTtl"/>: how long the
/// response may be cached (RFC 2181, RFC 2308), null when it must not be.
/// </summary>
public sealed record DnsResponseInfo(
    DnsResponseCode Code,
    bool Truncated,
    int AnswerCount,
    int QuestionEnd,
    uint? CacheTtl,
    IReadOnlyList<int> TtlOffsets);
