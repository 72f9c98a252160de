namespace Skyhook.Gateway.Overlay;

/// <summary>
/// Skyhook's accepts in dockerd's DOCKER-USER chain: the documented place to let forwarded traffic
/// past the FORWARD drop dockerd sets (LAB.md). Every rule carries an iptables comment, its tag, so
/// that a restarted gateway finds its own rules again and never touches anyone else's.
/// </summary>
public sealed class DockerUserRules(NetworkCommands host)
{
    public const string Chain = "DOCKER-USER";

    // What tells two rules apart, as `iptables -S` prints them: interfaces, addresses, conntrack states.
    private static readonly string[] IdentityOptions = ["-i", "-o", "-s", "-d", "--ctstate"];

    /// <summary>Whether the chain exists (dockerd creates it when it manages iptables).</summary>
    public Task<bool> ChainExistsAsync(CancellationToken cancellationToken) => host.IptablesChainExistsAsync(Chain, cancellationToken);

    /// <summary>An accept of <paramref name="match"/> (e.g. <c>-i skyvpn+ -o skyo1234</c>) tagged with <paramref name="tag"/>, as iptables takes it.</summary>
    public static IReadOnlyList<string> Accept(IReadOnlyList<string> match, string tag) =>
        [.. match, "-m", "comment", "--comment", tag, "-j", "ACCEPT"];

    /// <summary>
    /// Makes the rules tagged <paramref name="tag"/> exactly <paramref name="rules"/> (built with
    /// <see cref="Accept"/>): others with the tag and duplicates are deleted, missing ones inserted at
    /// the top. Returns the inserted ones.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<string>>> EnsureAsync(string tag, IReadOnlyList<IReadOnlyList<string>> rules, CancellationToken cancellationToken)
    {
        var wanted = rules.Select(Identity).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, rule) in await ListAsync(t => t == tag, cancellationToken))
        {
            var identity = Identity(rule);
            if (!wanted.Contains(identity) || !seen.Add(identity))
            {
                await host.IptablesDeleteAsync(Chain, rule, cancellationToken);
            }
        }
        var added = new List<IReadOnlyList<string>>();
        foreach (var rule in rules)
        {
            if (!await host.IptablesHasAsync(Chain, rule, cancellationToken))
            {
                await host.IptablesInsertAsync(Chain, rule, cancellationToken);
                added.Add(rule);
            }
        }
        return added;
    }

    /// <summary>Whether every one of <paramref name="rules"/> is in the chain (`iptables -C`).</summary>
    public async Task<bool> HasAllAsync(IReadOnlyList<IReadOnlyList<string>> rules, CancellationToken cancellationToken)
    {
        foreach (var rule in rules)
        {
            if (!await host.IptablesHasAsync(Chain, rule, cancellationToken))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Deletes every rule whose tag <paramref name="tagMatches"/>.</summary>
    public async Task RemoveAsync(Func<string, bool> tagMatches, CancellationToken cancellationToken)
    {
        foreach (var (_, rule) in await ListAsync(tagMatches, cancellationToken))
        {
            await host.IptablesDeleteAsync(Chain, rule, cancellationToken);
        }
    }

    /// <summary>The rules whose tag <paramref name="tagMatches"/>, each with its tag and as arguments for -D; empty when the chain does not exist.</summary>
    public async Task<IReadOnlyList<(string Tag, IReadOnlyList<string> Rule)>> ListAsync(Func<string, bool> tagMatches, CancellationToken cancellationToken)
    {
        var rules = new List<(string, IReadOnlyList<string>)>();
        foreach (var line in await host.IptablesRulesAsync(Chain, cancellationToken))
        {
            // -A DOCKER-USER ... : our tags have no spaces, so splitting on spaces is exact for our rules.
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"')).ToList();
            if (Option(words, "--comment") is { } tag && tagMatches(tag))
            {
                rules.Add((tag, words.Skip(2).ToList()));
            }
        }
        return rules;
    }

    private static string Identity(IReadOnlyList<string> rule) =>
        string.Join('|', IdentityOptions.Select(option => Option(rule, option) ?? ""));

    private static string? Option(IReadOnlyList<string> words, string name)
    {
        for (var i = 0; i < words.Count - 1; i++)
        {
            if (words[i] == name)
            {
                return words[i + 1];
            }
        }
        return null;
    }
}
