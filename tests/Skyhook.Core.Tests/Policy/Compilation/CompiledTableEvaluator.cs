using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Core.Tests.Policy.Compilation;

/// <summary>
/// A small interpreter of the compiled table, the way the kernel walks it: the forward hook's
/// chain, jumps, gotos, set membership and verdict-map lookups. A new connection from a VPN
/// interface ends in accept or drop; anything else falls through to the hook's policy.
/// </summary>
internal sealed class CompiledTableEvaluator(NftTable table)
{
    private const int TcpNumber = 6;
    private const int UdpNumber = 17;

    private readonly Dictionary<string, NftChain> _chains = table.Chains.ToDictionary(c => c.Name, StringComparer.Ordinal);
    private readonly Dictionary<string, NftSet> _sets = table.Sets.ToDictionary(s => s.Name, StringComparer.Ordinal);
    private readonly Dictionary<string, NftVerdictMap> _maps = table.Maps.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>
    /// True when the packet (a new connection, unless said otherwise) is accepted by the chain of
    /// <paramref name="hook"/>. At the input hook a packet has no output interface.
    /// </summary>
    public bool Accepts(
        string inputInterface,
        IPAddress source,
        IPAddress destination,
        int protocolNumber,
        int? port,
        string connectionState = "new",
        string outputInterface = "veth0",
        string hook = "forward")
    {
        var chain = table.Chains.Single(c => c.Hook?.Hook == hook);
        var packet = new EvaluatedPacket(inputInterface, hook == "input" ? "" : outputInterface, source, destination, protocolNumber, port, connectionState);
        var verdict = Run(chain, packet, depth: 0) ?? chain.Hook!.Policy;
        return verdict == NftVerdictKind.Accept;
    }

    /// <summary>The chain's final verdict, or null when it runs off its end (or returns).</summary>
    private NftVerdictKind? Run(NftChain chain, EvaluatedPacket packet, int depth)
    {
        Assert.True(depth < 8, "chains loop");
        foreach (var rule in chain.Rules)
        {
            var matched = true;
            foreach (var statement in rule.Statements)
            {
                switch (statement)
                {
                    case NftInterfaceMatch iface:
                        var name = iface.Output ? packet.OutputInterface : packet.Interface;
                        matched = iface.Pattern.EndsWith('*')
                            ? name.StartsWith(iface.Pattern[..^1], StringComparison.Ordinal)
                            : name == iface.Pattern;
                        break;
                    case NftFieldMatch field:
                        matched = Key([field.Field], packet) is { } fieldValue && fieldValue[0] == field.Value;
                        break;
                    case NftConntrackMatch ct:
                        matched = ct.States.Contains(packet.State);
                        break;
                    // Telemetry: logging never changes a verdict, whatever the counts and buckets say.
                    case NftPacketCountMatch or NftLimit or NftLog:
                        break;
                    case NftSetLookup lookup:
                        matched = Key(lookup.Fields, packet) is { } key && _sets[lookup.SetName].Elements.Any(e => e.Contains(key));
                        break;
                    case NftVerdictMapLookup vmap:
                        var value = Key([vmap.Field], packet);
                        var element = value is null ? null : _maps[vmap.MapName].Elements.SingleOrDefault(e => e.Key == value[0]);
                        if (element is null)
                        {
                            matched = false;
                            break;
                        }

                        var mapped = Apply(element.Verdict, packet, depth, out var stopped);
                        if (stopped)
                        {
                            return mapped;
                        }

                        break;
                    case NftVerdict verdict:
                        var result = Apply(verdict, packet, depth, out var ended);
                        if (ended)
                        {
                            return result;
                        }

                        break;
                    default:
                        throw new InvalidOperationException($"unknown statement {statement}");
                }

                if (!matched)
                {
                    break;
                }
            }
        }

        return null;
    }

    /// <summary>The verdict; <paramref name="ended"/> says whether this chain stops here.</summary>
    private NftVerdictKind? Apply(NftVerdict verdict, EvaluatedPacket packet, int depth, out bool ended)
    {
        ended = true;
        switch (verdict.Kind)
        {
            case NftVerdictKind.Accept:
            case NftVerdictKind.Drop:
                return verdict.Kind;
            case NftVerdictKind.Return:
                return null;
            case NftVerdictKind.Goto:
                return Run(_chains[verdict.Target!], packet, depth + 1);
            default:
                var inner = Run(_chains[verdict.Target!], packet, depth + 1);
                ended = inner is not null;
                return inner;
        }
    }

    /// <summary>The field values, or null when a field does not exist for this packet (another family).</summary>
    private static UInt128[]? Key(IReadOnlyList<NftField> fields, EvaluatedPacket packet)
    {
        var key = new UInt128[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            var ipv6 = packet.Destination.AddressFamily == AddressFamily.InterNetworkV6;
            UInt128? value = field switch
            {
                NftField.IpSaddr => ipv6 ? null : Bits(packet.Source),
                NftField.Ip6Saddr => ipv6 ? Bits(packet.Source) : null,
                NftField.IpDaddr => ipv6 ? null : Bits(packet.Destination),
                NftField.Ip6Daddr => ipv6 ? Bits(packet.Destination) : null,
                NftField.L4Proto => (UInt128)packet.Protocol,
                // Only tcp and udp packets are given ports here; for the rest th dport reads other
                // header bytes, which no element of a ports set can match, as its protocol is tcp or udp.
                NftField.ThDport => packet.Protocol is TcpNumber or UdpNumber ? (UInt128)packet.Port!.Value : 0,
                _ => throw new InvalidOperationException($"unknown field {field}"),
            };
            if (value is null)
            {
                return null;
            }

            key[i] = value.Value;
        }

        return key;
    }

    private static UInt128 Bits(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }
}
