using System.Diagnostics.CodeAnalysis;

namespace Skyhook.Core.Policy;

/// <summary>
/// A named access policy: ordered rules, the first matching one deciding, else the base policy.
/// </summary>
public sealed record AccessProfile
{
    public const int MaxNameLength = 64;

    /// <exception cref="ArgumentException">The name is invalid, the base policy undefined, or a rule null.</exception>
    public AccessProfile(string name, BasePolicy basePolicy, IReadOnlyList<AccessRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (!IsValidName(name, out var error))
        {
            throw new ArgumentException(error, nameof(name));
        }

        if (!Enum.IsDefined(basePolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(basePolicy), basePolicy, "Undefined base policy.");
        }

        if (rules.Any(r => r is null))
        {
            throw new ArgumentException("The rules contain a null entry.", nameof(rules));
        }

        Name = name;
        BasePolicy = basePolicy;
        // A copy, so that the caller's list changing later cannot change a profile already validated.
        Rules = Array.AsReadOnly(rules.ToArray());
    }

    public string Name { get; }

    public BasePolicy BasePolicy { get; }

    /// <summary>In order: the first rule that matches a packet decides it.</summary>
    public IReadOnlyList<AccessRule> Rules { get; }

    /// <summary>
    /// Profile names are ASCII letters, digits and <c>. - _</c>, 1 to 64 characters, starting with a
    /// letter or digit; on failure <paramref name="error"/> says why and names the input.
    /// </summary>
    public static bool IsValidName(string? name, [NotNullWhen(false)] out string? error)
    {
        error = NameRules.Check("Profile name", name, MaxNameLength, ".-_");
        return error is null;
    }

    // Records compare lists by reference; profiles are desired state and must compare by content.
    public bool Equals(AccessProfile? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && BasePolicy == other.BasePolicy
        && Rules.SequenceEqual(other.Rules);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name, StringComparer.Ordinal);
        hash.Add(BasePolicy);
        foreach (var rule in Rules)
        {
            hash.Add(rule);
        }

        return hash.ToHashCode();
    }
}
