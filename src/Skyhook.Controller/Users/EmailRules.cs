namespace Skyhook.Controller.Users;

/// <summary>
/// A plausible e-mail address: one <c>@</c> with text on both sides, at most 254 characters, and no
/// spaces, quotes, angle brackets or control characters (the address reaches mail headers and logs).
/// </summary>
public static class EmailRules
{
    public const int MaxLength = 254;

    public static string? Check(string email)
    {
        if (email.Length > MaxLength)
        {
            return $"The e-mail address must be at most {MaxLength} characters.";
        }

        if (email.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '"' or '\'' or '<' or '>' or ',' or ';'))
        {
            return "The e-mail address contains a space, quote, bracket, comma or control character.";
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1
            ? "The e-mail address must look like name@example.com."
            : null;
    }
}
