using System.Globalization;
using System.Net;
using System.Text;

namespace Skyhook.Gateway.Policy;

/// <summary>
/// One <c>conntrack -D</c> filter: the original source, and unless a whole client goes, the
/// destination, protocol and (tcp, udp) destination port. That is everything a verdict depends on,
/// so every entry the filter matches has the verdict of the entries it was made from: those listed,
/// and any opened since with the same key, which the table applied before the listing cannot have
/// let in. One filter per key rather than per entry, because conntrack-tools answers each <c>-D</c>
/// by walking the whole table: ten connections of one user to one port cost one walk, not ten.
/// </summary>
public sealed record ConntrackDeletion(IPAddress Source, IPAddress? Destination = null, int? Protocol = null, int? DestinationPort = null)
{
    /// <summary>Every connection opened from <paramref name="source"/>.</summary>
    public static ConntrackDeletion AllOf(IPAddress source) => new(source);

    /// <summary>The connections that share <paramref name="entry"/>'s verdict: same client, destination, protocol and (tcp, udp) port.</summary>
    public static ConntrackDeletion LikeOf(ConntrackEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var ported = entry.Protocol is ConntrackEntry.Tcp or ConntrackEntry.Udp;
        return new(entry.Source, entry.Destination, entry.Protocol, ported ? entry.DestinationPort : null);
    }

    /// <summary>
    /// The line for <c>conntrack -R -</c> (conntrack's own option syntax, one command per line; no
    /// shell reads it, and every value is a parsed address or a number), asking it to print what it
    /// deleted in the form <see cref="ConntrackParser"/> reads.
    /// </summary>
    public string ToLine()
    {
        var line = new StringBuilder("-D -s ").Append(Source);
        if (Destination is not null)
        {
            line.Append(" -d ").Append(Destination);
        }

        if (Protocol is { } protocol)
        {
            line.Append(CultureInfo.InvariantCulture, $" -p {protocol}");
        }

        if (DestinationPort is { } port)
        {
            line.Append(CultureInfo.InvariantCulture, $" --dport {port}");
        }

        return line.Append(" -o extended").ToString();
    }

    public override string ToString() => ToLine();
}
