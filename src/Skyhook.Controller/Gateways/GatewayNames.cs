namespace Skyhook.Controller.Gateways;

/// <summary>
/// Gateway names: ASCII letters, digits, '.', '-', '_', starting with a letter or digit, at most 63
/// characters, so a name fits a certificate common name, a DNS label and a log line.
/// </summary>
/// <remarks>Core's NameRules has this shape but is internal; see the report for moving this there.</remarks>
public static class GatewayNames
{
    public const int MaxLength = 63;

    public static string? Check(string name)
    {
        if (name.Length > MaxLength)
        {
            return $"A gateway name is at most {MaxLength} characters.";
        }

        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return "A gateway name uses only ASCII letters, digits, '.', '-' and '_', and starts with a letter or digit.";
        }

        return null;
    }
}
