using System.Diagnostics.CodeAnalysis;
using Skyhook.Core.Policy;

namespace Skyhook.Core.Identity;

/// <summary>
/// A VPN user's name: ASCII letters, digits and <c>. - _ @</c>, 1 to 64 characters, starting with a
/// letter or digit. The name travels through OpenVPN's line-based management protocol, certificate
/// subjects, nftables comments and log lines, so nothing that could end or split a line or a field
/// (newlines, quotes, spaces, commas, control characters) is allowed.
/// </summary>
public sealed record UserName
{
    public const int MaxLength = 64;

    private UserName(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    /// <exception cref="FormatException">The text is not a valid user name; the message says why.</exception>
    public static UserName Parse(string text) =>
        TryParse(text, out var name, out var error) ? name : throw new FormatException(error);

    /// <summary>Validates a user name; on failure <paramref name="error"/> says why and names the input.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out UserName? name, [NotNullWhen(false)] out string? error)
    {
        error = NameRules.Check("User name", text, MaxLength, ".-_@");
        name = error is null ? new UserName(text!) : null;
        return error is null;
    }
}
