using System.Diagnostics.CodeAnalysis;
using Skyhook.Core.Addressing;

namespace Skyhook.Core.Policy;

/// <summary>
/// What a rule points at: <c>cidr 10.0.3.0/24</c>, <c>container web1</c>, <c>service api</c>,
/// <c>label com.example.team=payments</c> or <c>network multi-host-overlay</c>. Every target except
/// cidr names containers by what they are, not where they are, so a rule follows a container that
/// restarts or moves.
/// </summary>
/// <remarks>The subtypes are the closed set of kinds; code that compiles targets switches on them.</remarks>
public abstract record RuleTarget
{
    private const string Forms = "cidr CIDR, container NAME, service NAME, label KEY=VALUE or network NAME";

    private protected RuleTarget()
    {
    }

    /// <summary>The canonical text, such as <c>container web1</c>; <see cref="Parse"/> reads it back.</summary>
    public abstract override string ToString();

    /// <exception cref="FormatException">The text is not a target; the message says why and names the input.</exception>
    public static RuleTarget Parse(string text) =>
        TryParse(text, out var target, out var error) ? target : throw new FormatException(error);

    /// <summary>Parses a target such as <c>container web1</c>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RuleTarget? target, [NotNullWhen(false)] out string? error)
    {
        error = TryParseCore(text, out target);
        return error is null;
    }

    private static string? TryParseCore(string? text, out RuleTarget? target)
    {
        target = null;
        if (string.IsNullOrEmpty(text))
        {
            return $"The target is empty; expected {Forms}.";
        }

        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var kind = space < 0 ? text : text[..space];
        if (kind is not ("cidr" or "container" or "service" or "label" or "network"))
        {
            return $"Target {InputText.Quote(text)} does not start with a kind; expected {Forms}.";
        }

        if (space < 0)
        {
            return $"Target {InputText.Quote(text)} is missing its value; expected {Forms}.";
        }

        var value = text[(space + 1)..];
        string? error;
        switch (kind)
        {
            case "cidr":
                if (!Cidr.TryParse(value, out var range, out error))
                {
                    return error;
                }

                target = new CidrTarget(range);
                return null;
            case "container":
                error = ContainerTarget.Check(value);
                target = error is null ? new ContainerTarget(value) : null;
                return error;
            case "service":
                error = ServiceTarget.Check(value);
                target = error is null ? new ServiceTarget(value) : null;
                return error;
            case "network":
                error = NetworkTarget.Check(value);
                target = error is null ? new NetworkTarget(value) : null;
                return error;
            default:
                var equals = value.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    return $"Label target {InputText.Quote(value)} has no '='; write label KEY=VALUE.";
                }

                var key = value[..equals];
                var labelValue = value[(equals + 1)..];
                error = LabelTarget.CheckKey(key) ?? LabelTarget.CheckValue(labelValue);
                target = error is null ? new LabelTarget(key, labelValue) : null;
                return error;
        }
    }
}
