using System.Collections;
using System.Net;

namespace Skyhook.Gateway.Dns;

/// <summary>
/// A name's addresses starting at another one each time, as Docker's DNS shuffles a dnsrr service's
/// tasks: clients take the first address, so a fixed order would send every client to one task.
/// </summary>
public sealed class RotatedAddresses(IReadOnlyList<IPAddress> addresses, int start) : IReadOnlyList<IPAddress>
{
    private readonly int _start = addresses.Count == 0 ? 0 : (int)((uint)start % (uint)addresses.Count);

    public int Count => addresses.Count;

    public IPAddress this[int index] => addresses[(_start + index) % addresses.Count];

    public IEnumerator<IPAddress> GetEnumerator()
    {
        for (var i = 0; i < addresses.Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
