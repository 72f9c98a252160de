using System.Globalization;

namespace Skyhook.Core.Policy;

/// <summary>
/// The shared shape of names (containers, services, networks, profiles, users): ASCII letters and
/// digits plus a few punctuation characters, starting with a letter or digit so that a name is never
/// read as a command-line option, and short enough for a DNS label or a protocol line.
/// </summary>
internal static class NameRules
{
    /// <summary>Docker's rule for container, service and network names, capped at a DNS label.</summary>
    public static string? CheckDockerName(string what, string? name) => Check(what, name, 63, "_.-");

    /// <summary>Null when <paramref name="name"/> is valid; otherwise one sentence naming the problem.</summary>
    public static string? Check(string what, string? name, int maxLength, string punctuation)
    {
        var allowed = $"use only ASCII letters, digits and {string.Join(' ', punctuation.ToCharArray())}";
        if (string.IsNullOrEmpty(name))
        {
            return $"{what} is empty; {allowed}.";
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !punctuation.Contains(c, StringComparison.Ordinal))
            {
                return $"{what} {InputText.Quote(name)} contains {InputText.Describe(c)}; {allowed}.";
            }
        }

        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            return $"{what} {InputText.Quote(name)} starts with {InputText.Describe(name[0])}; it must start with a letter or digit.";
        }

        if (name.Length > maxLength)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{what} {InputText.Quote(name)} is {name.Length} characters long; at most {maxLength} are allowed.");
        }

        return null;
    }
}
