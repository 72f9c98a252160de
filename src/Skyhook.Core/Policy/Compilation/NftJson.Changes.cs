using System.Text;
using System.Text.Json;

namespace Skyhook.Core.Policy.Compilation;

// Changes to a table the kernel already holds: only the set and map elements that differ, so that
// a container that moves or a session that starts costs a few elements, not the whole table.
public static partial class NftJson
{
    /// <summary>
    /// The smallest transaction that turns <paramref name="applied"/> into <paramref name="next"/>
    /// (<see cref="NftTableDiff.Between"/>): element deletes and adds when only elements differ, the
    /// full replacement of <see cref="Render(NftTable, bool)"/> when anything else does or nothing is
    /// applied, and null when there is nothing to apply.
    /// </summary>
    /// <param name="applied">The last table applied successfully. After a failed apply pass null: an
    /// element transaction names the exact elements it deletes, and nft refuses the whole of it when
    /// one is not there.</param>
    public static string? RenderChange(NftTable? applied, NftTable next, bool indented = false)
    {
        var diff = NftTableDiff.Between(applied, next);
        return diff.IsEmpty ? null : Render(diff, indented);
    }

    /// <summary>
    /// The diff as one transaction: every <c>delete element</c> first, then every <c>add element</c>,
    /// sets before maps, each in the table's order. Deleting first lets an element change its bounds
    /// (a range split when a container leaves it) without overlapping itself; nft applies the file as
    /// one batch, so no packet sees the gap. An empty diff gives an empty transaction.
    /// </summary>
    public static string Render(NftTableDiff diff, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(diff);
        if (diff.ReplacesTable)
        {
            return Render(diff.Next, indented);
        }

        return Transaction(indented, json =>
        {
            WriteElementChanges(json, diff, removed: true);
            WriteElementChanges(json, diff, removed: false);
        });
    }

    private static void WriteElementChanges(Utf8JsonWriter json, NftTableDiff diff, bool removed)
    {
        var command = removed ? "delete" : "add";
        foreach (var set in diff.Sets)
        {
            WriteElements(json, command, diff.Next, set.Set.Name, removed ? set.Removed : set.Added, (j, e) => WriteSetElement(j, set.Set, e));
        }

        foreach (var map in diff.Maps)
        {
            // A map entry is deleted by its key alone, whatever its verdict was.
            WriteElements(json, command, diff.Next, map.Map.Name, removed ? map.Removed : map.Added, removed
                ? (j, e) => WriteValue(j, map.Map.KeyType, NftRange.Single(e.Key))
                : (j, e) => WriteMapElement(j, map.Map, e));
        }
    }

    /// <summary><c>{"nftables":[...]}</c> around the commands <paramref name="writeCommands"/> writes, with a final newline, as <see cref="Render(NftTable, bool)"/> writes it.</summary>
    private static string Transaction(bool indented, Action<Utf8JsonWriter> writeCommands)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, NewLine = "\n" }))
        {
            json.WriteStartObject();
            json.WriteStartArray("nftables");
            writeCommands(json);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary><c>{"COMMAND":{"element":{..., "name":NAME,"elem":[...]}}}</c>; nothing when there are no elements.</summary>
    private static void WriteElements<T>(Utf8JsonWriter json, string command, NftTable table, string name, IReadOnlyList<T> elements, Action<Utf8JsonWriter, T> write)
    {
        if (elements.Count == 0)
        {
            return;
        }

        StartCommand(json, command, "element", table);
        json.WriteString("name", name);
        json.WriteStartArray("elem");
        foreach (var element in elements)
        {
            write(json, element);
        }

        json.WriteEndArray();
        EndAdd(json);
    }
}
