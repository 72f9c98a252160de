using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Skyhook.Core.Addressing;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// Renders a table as one libnftables JSON transaction (<c>nft -j -f FILE</c>, libnftables-json(5))
/// that replaces the table whole: <c>add table</c> (so that the delete cannot fail on a first run),
/// <c>delete table</c>, then the table again with its chains, sets, maps and rules. nft applies the
/// file as one batch, so a packet sees either the old table or the new one, never a mix.
/// </summary>
/// <remarks>
/// Every name and pattern is written as a JSON string value by <see cref="Utf8JsonWriter"/>, which
/// escapes it: nothing from the input can become JSON structure. The output depends only on the
/// table, in its order, so the same table gives byte-identical text.
/// </remarks>
public static partial class NftJson
{
    public static string Render(NftTable table, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, NewLine = "\n" }))
        {
            json.WriteStartObject();
            json.WriteStartArray("nftables");
            WriteTableCommand(json, "add", table);
            WriteTableCommand(json, "delete", table);
            WriteTableCommand(json, "add", table);
            // Chains before the maps and rules that name them: nft resolves a jump or goto target
            // when the command that holds it is read.
            foreach (var chain in table.Chains)
            {
                WriteChain(json, table, chain);
            }

            foreach (var set in table.Sets)
            {
                WriteSet(json, table, set);
            }

            foreach (var map in table.Maps)
            {
                WriteMap(json, table, map);
            }

            foreach (var chain in table.Chains)
            {
                foreach (var rule in chain.Rules)
                {
                    WriteRule(json, table, chain, rule);
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteTableCommand(Utf8JsonWriter json, string command, NftTable table)
    {
        json.WriteStartObject();
        json.WriteStartObject(command);
        json.WriteStartObject("table");
        json.WriteString("family", table.Family);
        json.WriteString("name", table.Name);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void StartAdd(Utf8JsonWriter json, string kind, NftTable table) => StartCommand(json, "add", kind, table);

    /// <summary>Opens <c>{"COMMAND":{"KIND":{"family":...,"table":...</c>; <see cref="EndAdd"/> closes it.</summary>
    private static void StartCommand(Utf8JsonWriter json, string command, string kind, NftTable table)
    {
        json.WriteStartObject();
        json.WriteStartObject(command);
        json.WriteStartObject(kind);
        json.WriteString("family", table.Family);
        json.WriteString("table", table.Name);
    }

    private static void EndAdd(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteChain(Utf8JsonWriter json, NftTable table, NftChain chain)
    {
        StartAdd(json, "chain", table);
        json.WriteString("name", chain.Name);
        if (chain.Hook is { } hook)
        {
            json.WriteString("type", "filter");
            json.WriteString("hook", hook.Hook);
            json.WriteNumber("prio", hook.Priority);
            json.WriteString("policy", VerdictName(hook.Policy));
        }

        EndAdd(json);
    }

    private static void WriteSet(Utf8JsonWriter json, NftTable table, NftSet set)
    {
        StartAdd(json, "set", table);
        json.WriteString("name", set.Name);
        if (set.KeyTypes.Count == 1)
        {
            json.WriteString("type", KeyTypeName(set.KeyTypes[0]));
        }
        else
        {
            json.WriteStartArray("type");
            foreach (var type in set.KeyTypes)
            {
                json.WriteStringValue(KeyTypeName(type));
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("flags");
        json.WriteStringValue("interval");
        json.WriteEndArray();
        // An empty "elem" array is not the same as no elements to every nft version; leave it out.
        if (set.Elements.Count > 0)
        {
            json.WriteStartArray("elem");
            foreach (var element in set.Elements)
            {
                WriteSetElement(json, set, element);
            }

            json.WriteEndArray();
        }

        EndAdd(json);
    }

    private static void WriteSetElement(Utf8JsonWriter json, NftSet set, NftSetElement element)
    {
        if (set.KeyTypes.Count == 1)
        {
            WriteValue(json, set.KeyTypes[0], element.Parts[0]);
            return;
        }

        json.WriteStartObject();
        json.WriteStartArray("concat");
        for (var i = 0; i < set.KeyTypes.Count; i++)
        {
            WriteValue(json, set.KeyTypes[i], element.Parts[i]);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter json, NftTable table, NftVerdictMap map)
    {
        StartAdd(json, "map", table);
        json.WriteString("name", map.Name);
        json.WriteString("type", KeyTypeName(map.KeyType));
        json.WriteString("map", "verdict");
        if (map.Elements.Count > 0)
        {
            json.WriteStartArray("elem");
            foreach (var element in map.Elements)
            {
                WriteMapElement(json, map, element);
            }

            json.WriteEndArray();
        }

        EndAdd(json);
    }

    private static void WriteMapElement(Utf8JsonWriter json, NftVerdictMap map, NftMapElement element)
    {
        json.WriteStartArray();
        WriteValue(json, map.KeyType, NftRange.Single(element.Key));
        WriteVerdict(json, element.Verdict);
        json.WriteEndArray();
    }

    private static void WriteRule(Utf8JsonWriter json, NftTable table, NftChain chain, NftRule rule)
    {
        StartAdd(json, "rule", table);
        json.WriteString("chain", chain.Name);
        json.WriteStartArray("expr");
        foreach (var statement in rule.Statements)
        {
            WriteStatement(json, statement);
        }

        json.WriteEndArray();
        EndAdd(json);
    }

    private static void WriteStatement(Utf8JsonWriter json, NftStatement statement)
    {
        switch (statement)
        {
            case NftInterfaceMatch iface:
                StartMatch(json, "==");
                json.WriteStartObject("meta");
                json.WriteString("key", iface.Output ? "oifname" : "iifname");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteString("right", iface.Pattern);
                EndMatch(json);
                break;
            case NftFieldMatch field:
                StartMatch(json, "==");
                WriteFieldBody(json, field.Field);
                json.WriteEndObject();
                json.WriteNumber("right", field.Value);
                EndMatch(json);
                break;
            case NftConntrackMatch ct:
                StartMatch(json, "in");
                json.WriteStartObject("ct");
                json.WriteString("key", "state");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartArray("right");
                foreach (var state in ct.States)
                {
                    json.WriteStringValue(state);
                }

                json.WriteEndArray();
                EndMatch(json);
                break;
            case NftSetLookup lookup:
                StartMatch(json, "==");
                if (lookup.Fields.Count == 1)
                {
                    WriteFieldBody(json, lookup.Fields[0]);
                }
                else
                {
                    json.WriteStartArray("concat");
                    foreach (var field in lookup.Fields)
                    {
                        WriteField(json, field);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
                json.WriteString("right", "@" + lookup.SetName);
                EndMatch(json);
                break;
            case NftVerdictMapLookup vmap:
                json.WriteStartObject();
                json.WriteStartObject("vmap");
                json.WritePropertyName("key");
                WriteField(json, vmap.Field);
                json.WriteString("data", "@" + vmap.MapName);
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            case NftPacketCountMatch count:
                StartMatch(json, "==");
                json.WriteStartObject("ct");
                json.WriteString("key", "packets");
                json.WriteString("dir", "original");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartObject("right");
                json.WriteStartArray("range");
                json.WriteNumberValue(count.First);
                json.WriteNumberValue(count.Last);
                json.WriteEndArray();
                json.WriteEndObject();
                EndMatch(json);
                break;
            case NftLimit limit:
                json.WriteStartObject();
                json.WriteStartObject("limit");
                json.WriteNumber("rate", limit.PerSecond);
                json.WriteNumber("burst", limit.Burst);
                json.WriteString("per", "second");
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            case NftLog log:
                json.WriteStartObject();
                json.WriteStartObject("log");
                json.WriteNumber("group", log.Group);
                json.WriteNumber("snaplen", log.SnapLength);
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            case NftVerdict verdict:
                WriteVerdict(json, verdict);
                break;
            default:
                throw new ArgumentException($"Unknown statement {statement.GetType().Name}.", nameof(statement));
        }
    }

    /// <summary>Opens <c>{"match":{"op":OP,"left":{</c>; the caller writes the left side's body.</summary>
    private static void StartMatch(Utf8JsonWriter json, string op)
    {
        json.WriteStartObject();
        json.WriteStartObject("match");
        json.WriteString("op", op);
        json.WriteStartObject("left");
    }

    private static void EndMatch(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteField(Utf8JsonWriter json, NftField field)
    {
        json.WriteStartObject();
        WriteFieldBody(json, field);
        json.WriteEndObject();
    }

    private static void WriteFieldBody(Utf8JsonWriter json, NftField field)
    {
        if (field == NftField.L4Proto)
        {
            json.WriteStartObject("meta");
            json.WriteString("key", "l4proto");
            json.WriteEndObject();
            return;
        }

        var (protocol, name) = field switch
        {
            NftField.IpSaddr => ("ip", "saddr"),
            NftField.IpDaddr => ("ip", "daddr"),
            NftField.Ip6Saddr => ("ip6", "saddr"),
            NftField.Ip6Daddr => ("ip6", "daddr"),
            NftField.ThDport => ("th", "dport"),
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown field."),
        };
        json.WriteStartObject("payload");
        json.WriteString("protocol", protocol);
        json.WriteString("field", name);
        json.WriteEndObject();
    }

    private static void WriteVerdict(Utf8JsonWriter json, NftVerdict verdict)
    {
        json.WriteStartObject();
        if (verdict.Target is { } target)
        {
            json.WriteStartObject(VerdictName(verdict.Kind));
            json.WriteString("target", target);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull(VerdictName(verdict.Kind));
        }

        json.WriteEndObject();
    }

    /// <summary>A single value as itself, an aligned address block as a prefix, anything else as a range.</summary>
    private static void WriteValue(Utf8JsonWriter json, NftKeyType type, NftRange range)
    {
        if (type is NftKeyType.Ipv4Address or NftKeyType.Ipv6Address)
        {
            var family = type == NftKeyType.Ipv4Address ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
            if (range.IsSingle)
            {
                json.WriteStringValue(AddressBits.Format(range.First, family));
                return;
            }

            if (PrefixLength(range, AddressBits.Width(family)) is { } length)
            {
                json.WriteStartObject();
                json.WriteStartObject("prefix");
                json.WriteString("addr", AddressBits.Format(range.First, family));
                json.WriteNumber("len", length);
                json.WriteEndObject();
                json.WriteEndObject();
                return;
            }

            json.WriteStartObject();
            json.WriteStartArray("range");
            json.WriteStringValue(AddressBits.Format(range.First, family));
            json.WriteStringValue(AddressBits.Format(range.Last, family));
            json.WriteEndArray();
            json.WriteEndObject();
            return;
        }

        if (range.IsSingle)
        {
            json.WriteNumberValue((uint)range.First);
            return;
        }

        json.WriteStartObject();
        json.WriteStartArray("range");
        json.WriteNumberValue((uint)range.First);
        json.WriteNumberValue((uint)range.Last);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The prefix length when the range is exactly one aligned CIDR block, else null.</summary>
    private static int? PrefixLength(NftRange range, int width)
    {
        var hostMask = range.Last - range.First;
        // A block is 2^k addresses starting at a multiple of 2^k: the span is all ones and the start has none of them.
        if ((hostMask & (hostMask + 1)) != 0 || (range.First & hostMask) != 0)
        {
            return null;
        }

        var hostBits = hostMask == UInt128.MaxValue ? 128 : (int)UInt128.Log2(hostMask + 1);
        return width - hostBits;
    }

    private static string KeyTypeName(NftKeyType type) => type switch
    {
        NftKeyType.Ipv4Address => "ipv4_addr",
        NftKeyType.Ipv6Address => "ipv6_addr",
        NftKeyType.InetProto => "inet_proto",
        NftKeyType.InetService => "inet_service",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown key type."),
    };

    private static string VerdictName(NftVerdictKind kind) => kind switch
    {
        NftVerdictKind.Accept => "accept",
        NftVerdictKind.Drop => "drop",
        NftVerdictKind.Return => "return",
        NftVerdictKind.Jump => "jump",
        NftVerdictKind.Goto => "goto",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown verdict."),
    };
}
