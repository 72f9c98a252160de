namespace Skyhook.Core.Policy;

/// <summary>
/// Every container carrying a label with exactly this value: <c>label com.example.team=payments</c>.
/// The value may be empty, as Docker allows (<c>--label flag</c>).
/// </summary>
public sealed record LabelTarget : RuleTarget
{
    /// <exception cref="ArgumentException">The key is empty, or the key or value holds a character
    /// that would not survive the rule's text form.</exception>
    public LabelTarget(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var error = CheckKey(key);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(key));
        }

        error = CheckValue(value);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(value));
        }

        Key = key;
        Value = value;
    }

    public string Key { get; }

    public string Value { get; }

    public override string ToString() => $"label {Key}={Value}";

    internal static string? CheckKey(string? key) =>
        string.IsNullOrEmpty(key) ? "Label key is empty; write label KEY=VALUE." : Check("Label key", key, allowEquals: false);

    internal static string? CheckValue(string value) => Check("Label value", value, allowEquals: true);

    // Docker accepts nearly any string in a label; the rule's text form is space-separated and ends
    // up in CLI tables and logs, so whitespace, quotes and invisible characters are refused here.
    private static string? Check(string what, string text, bool allowEquals)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || InputText.IsInvisible(c) || c is '"' or '\'' || (c == '=' && !allowEquals))
            {
                return $"{what} {InputText.Quote(text)} contains {InputText.Describe(c)}, which a label target cannot hold.";
            }
        }

        return null;
    }
}
