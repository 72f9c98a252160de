using System.Text.RegularExpressions;

namespace Skyhook.Lab;

/// <summary>What `skyhook lab up` builds.</summary>
public sealed partial record LabOptions
{
    public const string DefaultPrefix = "sky";
    public const int DefaultNodes = 2;
    public const int MinNodes = 2;
    public const int MaxNodes = 6;
    public const int MaxPrefixLength = 8;

    /// <summary>
    /// Starts every namespace, interface, path and containerd namespace the lab makes, so that two
    /// labs (or the host's own Docker) never collide. Lower-case letters and digits, starting with a
    /// letter, at most 8 characters: interface names such as "PREFIX-lab" must fit Linux's 15.
    /// </summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>Swarm nodes, each a dockerd in its own namespace. Default 2; 2 to 6 fit this machine size.</summary>
    public int Nodes { get; init; } = DefaultNodes;

    /// <summary>Returns one message per problem; empty when the options are good.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!PrefixPattern().IsMatch(Prefix))
        {
            problems.Add($"--prefix '{Printable(Prefix)}' is not usable: use 1 to {MaxPrefixLength} lower-case letters or digits, "
                + "starting with a letter (it becomes part of interface names, which Linux limits to 15 characters)");
        }
        if (Nodes is < MinNodes or > MaxNodes)
        {
            problems.Add($"--nodes {Nodes} is out of range: a lab has {MinNodes} to {MaxNodes} swarm nodes");
        }
        return problems;
    }

    // Shows control characters in a message instead of letting them break the line.
    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));

    [GeneratedRegex("^[a-z][a-z0-9]{0,7}$")]
    private static partial Regex PrefixPattern();
}
