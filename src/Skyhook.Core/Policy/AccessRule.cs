using System.Diagnostics.CodeAnalysis;

namespace Skyhook.Core.Policy;

/// <summary>
/// One line of a profile, written <c>allow container web1 tcp 80,443</c>: an action, a target, a
/// protocol and, for tcp and udp, the ports (none listed means every port).
/// </summary>
public sealed record AccessRule
{
    private const string Shape = "ACTION TARGET PROTOCOL [PORTS], such as 'allow container web1 tcp 80,8000:8100'";

    /// <exception cref="ArgumentException">Ports are given for icmp or all, or a value is undefined.</exception>
    public AccessRule(RuleAction action, RuleTarget target, Protocol protocol, IReadOnlyList<PortRange> ports)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(ports);
        if (!Enum.IsDefined(action))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "Undefined rule action.");
        }

        if (!Enum.IsDefined(protocol))
        {
            throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Undefined protocol.");
        }

        if (ports.Any(p => p is null))
        {
            throw new ArgumentException("The ports contain a null entry.", nameof(ports));
        }

        var error = CheckPorts(protocol, ports);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(ports));
        }

        Action = action;
        Target = target;
        Protocol = protocol;
        // A copy, so that the caller's list changing later cannot change a rule already validated.
        Ports = Array.AsReadOnly(ports.ToArray());
    }

    public RuleAction Action { get; }

    public RuleTarget Target { get; }

    public Protocol Protocol { get; }

    /// <summary>Empty for icmp and all; for tcp and udp, empty means every port.</summary>
    public IReadOnlyList<PortRange> Ports { get; }

    // Records compare lists by reference; rules are desired state and must compare by content.
    public bool Equals(AccessRule? other) =>
        other is not null
        && Action == other.Action
        && Target == other.Target
        && Protocol == other.Protocol
        && Ports.SequenceEqual(other.Ports);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Action);
        hash.Add(Target);
        hash.Add(Protocol);
        foreach (var port in Ports)
        {
            hash.Add(port);
        }

        return hash.ToHashCode();
    }

    /// <summary>The canonical text, such as <c>allow container web1 tcp 80,443</c>.</summary>
    public override string ToString() => Ports.Count == 0
        ? $"{Action.ToText()} {Target} {Protocol.ToText()}"
        : $"{Action.ToText()} {Target} {Protocol.ToText()} {string.Join(',', Ports)}";

    /// <exception cref="FormatException">The text is not a rule; the message says why and names the input.</exception>
    public static AccessRule Parse(string text) =>
        TryParse(text, out var rule, out var error) ? rule : throw new FormatException(error);

    /// <summary>Parses the text form; on failure <paramref name="error"/> says why and names the input.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out AccessRule? rule, [NotNullWhen(false)] out string? error)
    {
        error = TryParseCore(text, out rule);
        if (error is not null && !string.IsNullOrEmpty(text))
        {
            error = $"In rule {InputText.Quote(text)}: {error}";
        }

        return error is null;
    }

    private static string? TryParseCore(string? text, out AccessRule? rule)
    {
        rule = null;
        if (string.IsNullOrEmpty(text))
        {
            return $"The rule is empty; expected {Shape}.";
        }

        // Every target is two words (kind and value) and no part may hold a space, so splitting on
        // single spaces is unambiguous; a doubled space leaves an empty word and is refused.
        var words = text.Split(' ');
        if (words.Length is < 4 or > 5 || words.Any(w => w.Length == 0))
        {
            return $"Expected {Shape}.";
        }

        if (!PolicyText.TryParseAction(words[0], out var action, out var error)
            || !RuleTarget.TryParse($"{words[1]} {words[2]}", out var target, out error)
            || !PolicyText.TryParseProtocol(words[3], out var protocol, out error))
        {
            return error;
        }

        var ports = new List<PortRange>();
        foreach (var part in words.Length == 5 ? words[4].Split(',') : [])
        {
            if (!PortRange.TryParse(part, out var range, out error))
            {
                return error;
            }

            ports.Add(range);
        }

        error = CheckPorts(protocol, ports);
        if (error is null)
        {
            rule = new AccessRule(action, target, protocol, ports);
        }

        return error;
    }

    private static string? CheckPorts(Protocol protocol, IReadOnlyList<PortRange> ports) =>
        ports.Count > 0 && protocol is Protocol.Icmp or Protocol.All
            ? $"Ports apply only to tcp and udp; remove {string.Join(',', ports)} from this {protocol.ToText()} rule."
            : null;
}
