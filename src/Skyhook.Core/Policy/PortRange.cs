using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Skyhook.Core.Policy;

/// <summary>An inclusive range of TCP or UDP ports, written 80 or 25:1024 (nftables' own spelling uses a dash).</summary>
public sealed record PortRange
{
    public const int MinPort = 1;
    public const int MaxPort = 65535;

    private const string Example = "a port such as 80 or a range such as 25:1024";

    /// <exception cref="ArgumentOutOfRangeException">A port is outside 1-65535 or the range is reversed.</exception>
    public PortRange(int first, int last)
    {
        if (first is < MinPort or > MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(first), first, OutOfRange(first));
        }

        if (last is < MinPort or > MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(last), last, OutOfRange(last));
        }

        if (first > last)
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{first}:{last}");
            throw new ArgumentOutOfRangeException(nameof(last), last, Reversed(text, first, last));
        }

        First = first;
        Last = last;
    }

    /// <exception cref="ArgumentOutOfRangeException">The port is outside 1-65535.</exception>
    public PortRange(int port)
        : this(port, port)
    {
    }

    public int First { get; }

    public int Last { get; }

    public bool Contains(int port) => port >= First && port <= Last;

    /// <summary>The canonical text: 80 for a single port, 25:1024 for a range.</summary>
    public override string ToString() => First == Last
        ? First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{First}:{Last}");

    /// <exception cref="FormatException">The text is not a port or range; the message says why and names the input.</exception>
    public static PortRange Parse(string text) =>
        TryParse(text, out var range, out var error) ? range : throw new FormatException(error);

    /// <summary>Parses 80 or 25:1024; on failure <paramref name="error"/> says why and names the input.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PortRange? range, [NotNullWhen(false)] out string? error)
    {
        range = null;
        error = TryParseCore(text, out var first, out var last);
        if (error is null)
        {
            range = new PortRange(first, last);
        }

        return error is null;
    }

    private static string? TryParseCore(string? text, out int first, out int last)
    {
        first = last = 0;
        if (string.IsNullOrEmpty(text))
        {
            return $"The port is empty; expected {Example}.";
        }

        var parts = text.Split(':');
        if (parts.Length > 2 || !parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)))
        {
            var dash = text.Split('-');
            return dash.Length == 2 && dash.All(p => p.Length > 0 && p.All(char.IsAsciiDigit))
                ? $"{InputText.Quote(text)} is not a port range; ranges are written with a colon: {dash[0]}:{dash[1]}."
                : $"{InputText.Quote(text)} is not a port or port range; expected {Example}.";
        }

        foreach (var part in parts)
        {
            // Five digits at most keeps int.Parse from overflowing; anything longer is out of range anyway.
            if (part.Length > 5 || int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture) is < MinPort or > MaxPort)
            {
                return parts.Length == 1
                    ? $"Port {InputText.Quote(text)} is out of range; ports are {MinPort} to {MaxPort}."
                    : $"Port range {InputText.Quote(text)} has port {InputText.Quote(part)}, which is out of range; ports are {MinPort} to {MaxPort}.";
            }

            if (part.Length > 1 && part[0] == '0')
            {
                var canonical = string.Join(':', parts.Select(p => p.TrimStart('0')));
                return $"Port {InputText.Quote(text)} has a leading zero; write {canonical}.";
            }
        }

        first = int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
        last = int.Parse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture);
        return first > last ? Reversed(text, first, last) : null;
    }

    private static string OutOfRange(int port) => string.Create(
        CultureInfo.InvariantCulture,
        $"Port {port} is out of range; ports are {MinPort} to {MaxPort}.");

    private static string Reversed(string text, int first, int last) => string.Create(
        CultureInfo.InvariantCulture,
        $"Port range {InputText.Quote(text)} is reversed; write {last}:{first}.");
}
