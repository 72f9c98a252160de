using System.Globalization;

namespace Skyhook.Core.Dns;

/// <summary>
/// Domain names on the wire (RFC 1035 section 3.1 and 4.1.4). Every reader here is bounded: it never reads
/// past the limit it is given, never follows a pointer that could lead back to where it has been, and stops
/// at 255 bytes of name, so hostile input costs at most a few hundred steps per name.
/// </summary>
internal static class DnsNames
{
    public const int MaxWireLength = 255;
    public const int MaxLabelLength = 63;

    // A legitimate encoder jumps at most once per label, and a name has at most 127 labels.
    public const int MaxJumpsPerName = 127;

    private const int PointerBits = 0xC0;

    /// <summary>
    /// Reads the uncompressed name of a query's question starting at <paramref name="offset"/>: labels of
    /// 1 to 63 bytes of printable ASCII other than '.', at most 255 bytes in all. Queries never compress
    /// (there is nothing before the question to point at), so a pointer is malformed; so are the extended
    /// label types 0x40 and 0x80, and any byte that would make the name ambiguous or unprintable as text.
    /// </summary>
    /// <param name="end">The offset just after the terminating zero.</param>
    public static bool TryReadQueryName(ReadOnlySpan<byte> message, int offset, out int end)
    {
        end = 0;
        var position = offset;
        while (position < message.Length)
        {
            int length = message[position];
            if (length == 0)
            {
                end = position + 1;
                return true;
            }

            // Also rejects pointers and extended label types: their length byte is above 63.
            // The + 1 keeps room for the terminating zero.
            var labelEnd = position + 1 + length;
            if (length > MaxLabelLength || labelEnd + 1 - offset > MaxWireLength || labelEnd > message.Length)
            {
                return false;
            }

            foreach (var b in message[(position + 1)..labelEnd])
            {
                if (b is < 0x21 or > 0x7E or (byte)'.')
                {
                    return false;
                }
            }

            position = labelEnd;
        }

        return false;
    }

    /// <summary>
    /// The text of a name <see cref="TryReadQueryName"/> accepted (<paramref name="wireName"/> runs from the
    /// first length byte to the terminating zero): lowercase, labels joined with '.', "" for the root.
    /// Allocates the string and nothing else.
    /// </summary>
    public static string ToLowerText(ReadOnlySpan<byte> wireName)
    {
        if (wireName.Length <= 1)
        {
            return string.Empty;
        }

        // The first length byte and the terminating zero drop out; every other length byte becomes a '.'.
        return string.Create(wireName.Length - 2, wireName, static (chars, wire) =>
        {
            var nextLength = wire[0] + 1;
            for (var i = 1; i <= chars.Length; i++)
            {
                if (i == nextLength)
                {
                    chars[i - 1] = '.';
                    nextLength += wire[i] + 1;
                }
                else
                {
                    var b = wire[i];
                    chars[i - 1] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b);
                }
            }
        });
    }

    /// <summary>
    /// Walks a name that may be compressed. The bytes of the name in place must end by
    /// <paramref name="limit"/> (the message's end, or the end of the RDATA holding it). A pointer must
    /// land after the header and strictly before the start of the run of labels that holds it, and what
    /// it leads to must end before that start too: every jump shrinks the window, so there is no loop.
    /// <paramref name="jumpBudget"/> caps the jumps across a whole message.
    /// </summary>
    /// <param name="end">The offset just after the name in place (after its first pointer, or its zero).</param>
    public static bool TrySkip(ReadOnlySpan<byte> message, int offset, int limit, ref int jumpBudget, out int end)
    {
        end = 0;
        var position = offset;
        var windowEnd = Math.Min(limit, message.Length);
        var windowStart = offset;
        var wireLength = 0;
        var jumps = 0;
        while (position < windowEnd)
        {
            int length = message[position];
            if (length <= MaxLabelLength)
            {
                wireLength += length + 1;
                if (wireLength > MaxWireLength)
                {
                    return false;
                }

                if (length == 0)
                {
                    if (jumps == 0)
                    {
                        end = position + 1;
                    }

                    return true;
                }

                // The label's bytes are checked against the window by the next round's condition.
                position += 1 + length;
                continue;
            }

            if ((length & PointerBits) != PointerBits || position + 1 >= windowEnd)
            {
                return false;
            }

            var target = ((length & ~PointerBits) << 8) | message[position + 1];
            if (jumps == 0)
            {
                end = position + 2;
            }

            if (target < DnsMessages.HeaderLength || target >= windowStart
                || ++jumps > MaxJumpsPerName || --jumpBudget < 0)
            {
                return false;
            }

            windowEnd = windowStart;
            windowStart = target;
            position = target;
        }

        return false;
    }

    /// <summary>
    /// Whether the uncompressed name at <paramref name="offset"/> spells <paramref name="name"/> (text as in
    /// <see cref="DnsQuery.Name"/>), ignoring ASCII case. Pointers do not match: we only compare the
    /// question of a response to our own query's, and a question has nothing before it to point at.
    /// </summary>
    public static bool TryMatch(ReadOnlySpan<byte> message, int offset, string name, out int end)
    {
        end = 0;
        var position = offset;
        var text = 0;
        while (position < message.Length)
        {
            int length = message[position];
            if (length == 0)
            {
                end = position + 1;
                return text == name.Length;
            }

            var labelEnd = position + 1 + length;
            if (length > MaxLabelLength || labelEnd > message.Length)
            {
                return false;
            }

            if (text > 0)
            {
                if (text >= name.Length || name[text] != '.')
                {
                    return false;
                }

                text++;
            }

            if (text + length > name.Length)
            {
                return false;
            }

            foreach (var b in message[(position + 1)..labelEnd])
            {
                if (FoldAscii(b) != FoldAscii(name[text++]))
                {
                    return false;
                }
            }

            position = labelEnd;
        }

        return false;
    }

    /// <summary>Writes <paramref name="name"/> (text as in <see cref="DnsQuery.Name"/>) uncompressed.</summary>
    /// <returns>The bytes written.</returns>
    /// <exception cref="ArgumentException">An empty label, a label over 63 bytes, a name over 255 bytes on
    /// the wire, or a character outside printable ASCII.</exception>
    public static int Write(Span<byte> destination, string name)
    {
        if (name.Length == 0)
        {
            destination[0] = 0;
            return 1;
        }

        // A name of n characters takes n + 2 bytes: a length byte before the first label, a zero at the end.
        if (name.Length + 2 > MaxWireLength)
        {
            throw Unencodable(name, "it is longer than 255 bytes on the wire");
        }

        var lengthAt = 0;
        var position = 1;
        foreach (var c in name)
        {
            if (c == '.')
            {
                CloseLabel(destination, name, lengthAt, position);
                lengthAt = position++;
            }
            else if (c is >= (char)0x21 and <= (char)0x7E)
            {
                destination[position++] = (byte)c;
            }
            else
            {
                throw Unencodable(name, "it has a character outside printable ASCII");
            }
        }

        CloseLabel(destination, name, lengthAt, position);
        destination[position++] = 0;
        return position;
    }

    private static void CloseLabel(Span<byte> destination, string name, int lengthAt, int position)
    {
        var length = position - lengthAt - 1;
        if (length is 0 or > MaxLabelLength)
        {
            throw Unencodable(name, "it has an empty label or one longer than 63 bytes");
        }

        destination[lengthAt] = (byte)length;
    }

    private static ArgumentException Unencodable(string name, string why) =>
        new(string.Create(CultureInfo.InvariantCulture, $"The name '{name}' cannot be sent in a query: {why}."), nameof(name));

    private static int FoldAscii(int c) => c is >= 'A' and <= 'Z' ? c | 0x20 : c;
}
