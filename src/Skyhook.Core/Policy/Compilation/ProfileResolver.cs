using System.Net.Sockets;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// First-match resolution of one profile at compile time, for one address family. Each rule is a
/// union of boxes (address interval x protocol x port interval); the packets whose verdict differs
/// from the base policy are those in a deviating rule's boxes minus the boxes of every earlier rule.
/// Rather than subtracting boxes pairwise (quadratic in boxes), the address axis is cut at every
/// point where some rule's addresses start or end: inside one of those stretches the same rules
/// apply, so the subtraction reduces to a few port intervals per protocol, computed once per
/// distinct set of applying rules and reused. Neighbouring stretches with equal results merge.
/// The result is two lists of disjoint elements in address order, as a concatenated interval set
/// needs them: address . protocol . port for tcp and udp, address . protocol for the rest.
/// </summary>
internal sealed class ProfileResolver
{
    private const int TcpNumber = 6;
    private const int UdpNumber = 17;
    private const int IcmpNumber = 1;
    private const int Icmpv6Number = 58;
    private const int MaxProtocol = 255;

    private readonly RuleShape[] _rules;
    private readonly IReadOnlyList<AddressIntervals> _targets;
    private readonly AddressFamily _family;
    private readonly UInt128 _maxAddress;
    private readonly Dictionary<ulong[], ProtocolCell> _cells = new(WordsComparer.Instance);

    public ProfileResolver(AccessProfile profile, IReadOnlyList<AddressIntervals> targets, AddressFamily family)
    {
        _rules = profile.Rules.Select(r => RuleShape.From(r, profile.BasePolicy)).ToArray();
        _targets = targets;
        _family = family;
        _maxAddress = family == AddressFamily.InterNetwork ? uint.MaxValue : UInt128.MaxValue;
    }

    public (List<NftSetElement> Ports, List<NftSetElement> Protocols) Resolve()
    {
        var ports = new List<NftSetElement>();
        var protocols = new List<NftSetElement>();
        var events = CollectEvents();
        if (events.Count == 0)
        {
            return (ports, protocols);
        }

        var active = new ulong[(_rules.Length + 63) / 64];
        var activeCount = 0;
        UInt128? pendingFirst = null;
        var pendingLast = UInt128.Zero;
        ProtocolCell? pendingCell = null;
        for (var i = 0; i < events.Count;)
        {
            var point = events[i].Point;
            for (; i < events.Count && events[i].Point == point; i++)
            {
                var (word, bit) = (events[i].Rule / 64, 1UL << (events[i].Rule % 64));
                if (events[i].Starts)
                {
                    active[word] |= bit;
                    activeCount++;
                }
                else
                {
                    active[word] &= ~bit;
                    activeCount--;
                }
            }

            var last = i < events.Count ? events[i].Point - 1 : _maxAddress;
            var cell = activeCount == 0 ? null : CellFor(active);
            if (cell is null || cell.IsEmpty)
            {
                continue;
            }

            if (pendingFirst is not null && pendingLast + 1 == point && cell.Equals(pendingCell))
            {
                pendingLast = last;
                continue;
            }

            if (pendingFirst is { } first)
            {
                Emit(new NftRange(first, pendingLast), pendingCell!, ports, protocols);
            }

            (pendingFirst, pendingLast, pendingCell) = (point, last, cell);
        }

        if (pendingFirst is { } lastFirst)
        {
            Emit(new NftRange(lastFirst, pendingLast), pendingCell!, ports, protocols);
        }

        return (ports, protocols);
    }

    /// <summary>Where each rule's addresses start and stop applying, in address order.</summary>
    private List<(UInt128 Point, int Rule, bool Starts)> CollectEvents()
    {
        var events = new List<(UInt128 Point, int Rule, bool Starts)>();
        for (var r = 0; r < _rules.Length; r++)
        {
            foreach (var interval in _targets[r].For(_family))
            {
                events.Add((interval.First, r, true));
                // The end event sits on the first address after the interval; none past the last address.
                if (interval.Last < _maxAddress)
                {
                    events.Add((interval.Last + 1, r, false));
                }
            }
        }

        // Ends before starts at one point keeps the active count right; the rule order makes it deterministic.
        events.Sort((a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point)
            : a.Starts != b.Starts ? a.Starts.CompareTo(b.Starts)
            : a.Rule.CompareTo(b.Rule));
        return events;
    }

    private ProtocolCell CellFor(ulong[] active)
    {
        if (_cells.TryGetValue(active, out var cell))
        {
            return cell;
        }

        var applying = new List<RuleShape>();
        for (var r = 0; r < _rules.Length; r++)
        {
            if ((active[r / 64] & (1UL << (r % 64))) != 0)
            {
                applying.Add(_rules[r]);
            }
        }

        cell = new ProtocolCell(
            FirstMatchPorts(applying, r => r.Tcp),
            FirstMatchPorts(applying, r => r.Udp),
            applying.FirstOrDefault(r => r.Icmp)?.Deviates ?? false,
            applying.FirstOrDefault(r => r.Other)?.Deviates ?? false);
        _cells.Add((ulong[])active.Clone(), cell);
        return cell;
    }

    /// <summary>
    /// The ports whose first covering rule deviates from the base policy: the port axis is cut at
    /// every rule's range edges, and each piece takes the verdict of the first rule covering it.
    /// </summary>
    private static NftRange[] FirstMatchPorts(List<RuleShape> rules, Func<RuleShape, NftRange[]?> portsOf)
    {
        var covering = rules.Where(r => portsOf(r) is not null).ToList();
        if (covering.Count == 0)
        {
            return [];
        }

        // The usual case: the first rule covers every port and alone decides.
        var firstPorts = portsOf(covering[0])!;
        if (firstPorts.Length == 1 && firstPorts[0] == RuleShape.AllPorts)
        {
            return covering[0].Deviates ? [RuleShape.AllPorts] : [];
        }

        var cuts = new SortedSet<UInt128> { 0 };
        foreach (var range in covering.SelectMany(r => portsOf(r)!))
        {
            cuts.Add(range.First);
            if (range.Last < PortRange.MaxPort)
            {
                cuts.Add(range.Last + 1);
            }
        }

        var points = cuts.ToArray();
        var result = new List<NftRange>();
        for (var i = 0; i < points.Length; i++)
        {
            var first = points[i];
            var last = i + 1 < points.Length ? points[i + 1] - 1 : PortRange.MaxPort;
            var decider = covering.FirstOrDefault(r => portsOf(r)!.Any(p => p.Contains(first)));
            if (decider is not { Deviates: true })
            {
                continue;
            }

            if (result.Count > 0 && result[^1].Last + 1 == first)
            {
                result[^1] = new NftRange(result[^1].First, last);
            }
            else
            {
                result.Add(new NftRange(first, last));
            }
        }

        return [.. result];
    }

    private void Emit(NftRange addresses, ProtocolCell cell, List<NftSetElement> ports, List<NftSetElement> protocols)
    {
        foreach (var range in cell.Tcp)
        {
            ports.Add(new NftSetElement([addresses, NftRange.Single(TcpNumber), range]));
        }

        foreach (var range in cell.Udp)
        {
            ports.Add(new NftSetElement([addresses, NftRange.Single(UdpNumber), range]));
        }

        foreach (var range in ProtocolRanges(cell))
        {
            protocols.Add(new NftSetElement([addresses, range]));
        }
    }

    /// <summary>
    /// The protocol numbers of the second set: icmp (ICMPv6 for IPv6) when icmp deviates, and every
    /// number but tcp, udp and icmp when the other protocols do. tcp and udp never appear here: their
    /// packets are judged by port in the first set.
    /// </summary>
    private IEnumerable<NftRange> ProtocolRanges(ProtocolCell cell)
    {
        var icmp = _family == AddressFamily.InterNetwork ? IcmpNumber : Icmpv6Number;
        if (!cell.Other)
        {
            if (cell.Icmp)
            {
                yield return NftRange.Single((UInt128)icmp);
            }

            yield break;
        }

        int[] excluded = cell.Icmp ? [TcpNumber, UdpNumber] : [.. new[] { TcpNumber, UdpNumber, icmp }.Order()];
        var next = 0;
        foreach (var number in excluded)
        {
            if (number > next)
            {
                yield return new NftRange((UInt128)next, (UInt128)(number - 1));
            }

            next = number + 1;
        }

        yield return new NftRange((UInt128)next, MaxProtocol);
    }
}
