using Skyhook.Gateway.Dns;

namespace Skyhook.Bench;

/// <summary>
/// Counts the queries the DNS service answered, by where the answer came from, and passes each on
/// to the gateway's own observer, so the benchmark can tell what its run cost per query.
/// </summary>
public sealed class CountingDnsObserver(IDnsQueryObserver inner) : IDnsQueryObserver
{
    private readonly long[] _bySource = new long[Enum.GetValues<DnsAnswerSource>().Length];

    public void Observe(DnsQueryEvent query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Interlocked.Increment(ref _bySource[(int)query.Source]);
        inner.Observe(query);
    }

    public long Count(DnsAnswerSource source) => Interlocked.Read(ref _bySource[(int)source]);

    public long Total => Enum.GetValues<DnsAnswerSource>().Sum(Count);
}
