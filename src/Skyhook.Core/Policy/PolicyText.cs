using System.Diagnostics.CodeAnalysis;

namespace Skyhook.Core.Policy;

/// <summary>
/// The text forms of the policy keywords, as admins write them in the CLI and the API and as
/// explanations print them. Parsing is exact and lowercase, so every keyword has one spelling.
/// </summary>
public static class PolicyText
{
    private static readonly (string Text, BasePolicy Value)[] BasePolicies =
        [("deny-all", BasePolicy.DenyAll), ("allow-all", BasePolicy.AllowAll)];

    private static readonly (string Text, RuleAction Value)[] Actions =
        [("allow", RuleAction.Allow), ("deny", RuleAction.Deny)];

    private static readonly (string Text, Protocol Value)[] Protocols =
        [("tcp", Protocol.Tcp), ("udp", Protocol.Udp), ("icmp", Protocol.Icmp), ("all", Protocol.All)];

    public static string ToText(this BasePolicy value) => ToText(BasePolicies, value);

    public static string ToText(this RuleAction value) => ToText(Actions, value);

    public static string ToText(this Protocol value) => ToText(Protocols, value);

    /// <exception cref="FormatException">The text is not deny-all or allow-all.</exception>
    public static BasePolicy ParseBasePolicy(string text) =>
        TryParseBasePolicy(text, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParseBasePolicy(string? text, out BasePolicy value, [NotNullWhen(false)] out string? error) =>
        TryParse(text, "a base policy", BasePolicies, out value, out error);

    /// <exception cref="FormatException">The text is not allow or deny.</exception>
    public static RuleAction ParseAction(string text) =>
        TryParseAction(text, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParseAction(string? text, out RuleAction value, [NotNullWhen(false)] out string? error) =>
        TryParse(text, "a rule action", Actions, out value, out error);

    /// <exception cref="FormatException">The text is not tcp, udp, icmp or all.</exception>
    public static Protocol ParseProtocol(string text) =>
        TryParseProtocol(text, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParseProtocol(string? text, out Protocol value, [NotNullWhen(false)] out string? error) =>
        TryParse(text, "a protocol", Protocols, out value, out error);

    private static string ToText<T>((string Text, T Value)[] table, T value)
        where T : struct, Enum
    {
        foreach (var entry in table)
        {
            if (EqualityComparer<T>.Default.Equals(entry.Value, value))
            {
                return entry.Text;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} is not a defined {typeof(T).Name}.");
    }

    private static bool TryParse<T>(
        string? text,
        string what,
        (string Text, T Value)[] table,
        out T value,
        [NotNullWhen(false)] out string? error)
        where T : struct, Enum
    {
        foreach (var entry in table)
        {
            if (string.Equals(entry.Text, text, StringComparison.Ordinal))
            {
                value = entry.Value;
                error = null;
                return true;
            }
        }

        value = default;
        var expected = string.Join(", ", table.Select(e => e.Text).SkipLast(1)) + " or " + table[^1].Text;
        error = string.IsNullOrEmpty(text)
            ? $"Expected {what} ({expected}), but it is empty."
            : $"{InputText.Quote(text)} is not {what}; expected {expected}.";
        return false;
    }
}
