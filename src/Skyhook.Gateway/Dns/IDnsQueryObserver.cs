namespace Skyhook.Gateway.Dns;

/// <summary>
/// Told of every query the DNS service answers, on the answering thread: keep it cheap and never
/// block. The gateway logs them (<see cref="DnsQueryLogger"/>); telemetry spools them.
/// </summary>
public interface IDnsQueryObserver
{
    public void Observe(DnsQueryEvent query);
}
