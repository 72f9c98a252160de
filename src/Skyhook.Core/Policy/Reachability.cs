using System.Net;
using Skyhook.Core.Addressing;

namespace Skyhook.Core.Policy;

/// <summary>
/// Whether a profile lets a VPN user reach an address at all: the question a name lookup asks
/// before it tells the user the name exists.
/// </summary>
public static class Reachability
{
    /// <summary>
    /// True when <paramref name="profile"/> allows at least one connection to <paramref name="address"/>
    /// (whose container facts are <paramref name="endpoint"/>, null when no known container has it):
    /// some tcp or udp port from 0 to 65535, or icmp, for which <see cref="PolicyEvaluator.Evaluate"/>
    /// would allow.
    /// </summary>
    /// <remarks>
    /// One walk over the rules for all three protocols. For tcp and udp it keeps the ports no earlier
    /// rule has decided yet as intervals: an allow rule that covers one of them answers true, a deny
    /// rule removes what it covers, and the base policy decides what is left at the end.
    /// </remarks>
    public static bool AllowsAnything(AccessProfile profile, IPAddress address, EndpointFacts? endpoint)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(address);
        // As Destination does: a rule for 10.0.0.0/16 must match ::ffff:10.0.0.1.
        address = address.Unmapped();

        var icmpOpen = true;
        var tcp = PortSet.All();
        var udp = PortSet.All();
        foreach (var rule in profile.Rules)
        {
            var icmp = icmpOpen && rule.Protocol is Protocol.Icmp or Protocol.All;
            var tcpRule = !tcp.IsEmpty && rule.Protocol is Protocol.Tcp or Protocol.All;
            var udpRule = !udp.IsEmpty && rule.Protocol is Protocol.Udp or Protocol.All;
            if (!(icmp || tcpRule || udpRule) || !TargetMatching.Matches(rule.Target, address, endpoint))
            {
                continue;
            }

            var allow = rule.Action == RuleAction.Allow;
            if (icmp)
            {
                if (allow)
                {
                    return true;
                }

                icmpOpen = false;
            }

            if ((tcpRule && tcp.Decide(rule.Ports, allow)) || (udpRule && udp.Decide(rule.Ports, allow)))
            {
                return true;
            }

            if (!icmpOpen && tcp.IsEmpty && udp.IsEmpty)
            {
                return false;
            }
        }

        return profile.BasePolicy == BasePolicy.AllowAll && (icmpOpen || !tcp.IsEmpty || !udp.IsEmpty);
    }

    /// <summary>The ports of one protocol that no rule has decided yet, as sorted disjoint intervals.</summary>
    private readonly struct PortSet
    {
        private readonly List<(int First, int Last)> _open;

        private PortSet(List<(int First, int Last)> open) => _open = open;

        public bool IsEmpty => _open.Count == 0;

        // Port 0 is a real destination port (Destination allows it); only a rule without ports covers it.
        public static PortSet All() => new([(0, PortRange.MaxPort)]);

        /// <summary>
        /// Applies a matching rule: true when it allows an undecided port; otherwise its ports are
        /// decided (denied) and leave the set. No ports means every port.
        /// </summary>
        public bool Decide(IReadOnlyList<PortRange> ports, bool allow)
        {
            if (ports.Count == 0)
            {
                if (allow)
                {
                    return true;
                }

                _open.Clear();
                return false;
            }

            foreach (var range in ports)
            {
                if (!allow)
                {
                    Remove(range);
                }
                else if (Overlaps(range))
                {
                    return true;
                }
            }

            return false;
        }

        private bool Overlaps(PortRange range) =>
            _open.Exists(o => o.First <= range.Last && range.First <= o.Last);

        private void Remove(PortRange range)
        {
            for (var i = _open.Count - 1; i >= 0; i--)
            {
                var (first, last) = _open[i];
                if (first > range.Last || last < range.First)
                {
                    continue;
                }

                _open.RemoveAt(i);
                if (last > range.Last)
                {
                    _open.Insert(i, (range.Last + 1, last));
                }

                if (first < range.First)
                {
                    _open.Insert(i, (first, range.First - 1));
                }
            }
        }
    }
}
