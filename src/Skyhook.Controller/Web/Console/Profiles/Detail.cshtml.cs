using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Access;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Profiles;
using Skyhook.Controller.Users;

namespace Skyhook.Controller.Web.Console.Profiles;

/// <summary>
/// One profile: the base policy, the ordered rules (add at a position, move up or down, delete;
/// each change saves the whole list with the version the page showed, validated as the API
/// validates it), and the access check.
/// </summary>
public sealed class DetailModel(ProfileService profiles, AccessService access, UserService users) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public ProfileView? Profile { get; private set; }

    public long Version { get; private set; }

    public List<string> Users { get; private set; } = [];

    /// <summary>The rule being added, kept when it was refused so that it can be corrected.</summary>
    public (string? Action, string? Target, string? Protocol, string? Ports) NewRule { get; private set; }

    public AccessCheckRequest Check { get; private set; } = new(null, null, null, null, null);

    public string? Labels { get; private set; }

    public AccessCheckResponse? Verdict { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public Task<IActionResult> OnPostBasePolicyAsync(long version, string? basePolicy, CancellationToken cancellationToken) =>
        SaveAsync(version, (_, rules) => (basePolicy, rules), "Base policy saved.", cancellationToken);

    public Task<IActionResult> OnPostAddAsync(
        long version, string? action, string? target, string? protocol, string? ports, int? position, CancellationToken cancellationToken)
    {
        NewRule = (action, target, protocol, ports);
        var request = new RuleRequest(
            action,
            target?.Trim(),
            protocol,
            (ports ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return SaveAsync(
            version,
            (basePolicy, rules) =>
            {
                var at = Math.Clamp((position ?? rules.Count + 1) - 1, 0, rules.Count);
                rules.Insert(at, request);
                return (basePolicy, rules);
            },
            "Rule added.",
            cancellationToken,
            addedAt: (position ?? int.MaxValue) - 1);
    }

    public Task<IActionResult> OnPostMoveAsync(long version, int index, int by, CancellationToken cancellationToken) =>
        SaveAsync(
            version,
            (basePolicy, rules) =>
            {
                var to = index + Math.Sign(by);
                if (index >= 0 && index < rules.Count && to >= 0 && to < rules.Count)
                {
                    (rules[index], rules[to]) = (rules[to], rules[index]);
                }

                return (basePolicy, rules);
            },
            "Rule moved.",
            cancellationToken);

    public Task<IActionResult> OnPostRemoveAsync(long version, int index, CancellationToken cancellationToken) =>
        SaveAsync(
            version,
            (basePolicy, rules) =>
            {
                if (index >= 0 && index < rules.Count)
                {
                    rules.RemoveAt(index);
                }

                return (basePolicy, rules);
            },
            "Rule deleted.",
            cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(long version, CancellationToken cancellationToken)
    {
        var outcome = await profiles.DeleteAsync(Name, IfMatch.Version(version), Actor, cancellationToken);
        return outcome.Failure is { } failure ? await ShowAsync(failure, cancellationToken) : Done($"Profile {Name} deleted.", "/Console/Profiles/Index");
    }

    public async Task<IActionResult> OnPostCheckAsync(
        string? user, string? destination, string? protocol, int? port, string? container, string? service, string? labels, string? network, CancellationToken cancellationToken)
    {
        Labels = labels;
        var facts = string.IsNullOrWhiteSpace(container) && string.IsNullOrWhiteSpace(service) && string.IsNullOrWhiteSpace(labels) && string.IsNullOrWhiteSpace(network)
            ? null
            : new ContainerFactsRequest(
                string.IsNullOrWhiteSpace(container) ? null : container.Trim(),
                string.IsNullOrWhiteSpace(service) ? null : service.Trim(),
                ParseLabels(labels),
                string.IsNullOrWhiteSpace(network) ? [] : [network.Trim()]);
        Check = new AccessCheckRequest(user, destination?.Trim(), protocol, protocol == "icmp" ? null : port, facts);
        if (await LoadAsync(cancellationToken) is { } missing)
        {
            return Fail(missing);
        }

        var outcome = await access.CheckAsync(Check, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return Fail(failure);
        }

        Verdict = outcome.Value;
        return Page();
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the rules as stored at <paramref name="version"/> and
    /// saves them; a refused new rule's field errors are shown beside the add form.
    /// </summary>
    private async Task<IActionResult> SaveAsync(
        long version,
        Func<string, List<RuleRequest?>, (string? BasePolicy, List<RuleRequest?> Rules)> change,
        string notice,
        CancellationToken cancellationToken,
        int? addedAt = null)
    {
        var current = await profiles.GetAsync(Name, cancellationToken);
        if (current.Failure is { } missing)
        {
            return Fail(missing);
        }

        var rules = current.Value!.Rules.Select(r => (RuleRequest?)new RuleRequest(r.Action, r.Target, r.Protocol, r.Ports)).ToList();
        var (basePolicy, changed) = change(current.Value.BasePolicy, rules);
        var outcome = await profiles.UpdateAsync(Name, new UpdateProfileRequest(basePolicy, changed), IfMatch.Version(version), Actor, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return await ShowAsync(addedAt is { } at ? ForNewRule(failure, Math.Clamp(at, 0, changed.Count - 1)) : failure, cancellationToken);
        }

        return Done(notice, "/Console/Profiles/Detail", new { name = Name });
    }

    /// <summary>The API names a rule's fields <c>rules[N].target</c>; the add form's inputs are just <c>target</c>.</summary>
    private static Failure ForNewRule(Failure failure, int index)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"rules[{index}]");
        return failure with
        {
            Fields = failure.Fields?
                .GroupBy(f => f.Key == prefix ? "target"
                    : f.Key.StartsWith(prefix + ".", StringComparison.Ordinal) ? f.Key[(prefix.Length + 1)..].Split('[')[0]
                    : f.Key)
                .ToDictionary(g => g.Key, g => g.SelectMany(f => f.Value).ToArray()),
        };
    }

    private static Dictionary<string, string>? ParseLabels(string? labels)
    {
        if (string.IsNullOrWhiteSpace(labels))
        {
            return null;
        }

        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in labels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            parsed[equals < 0 ? pair : pair[..equals]] = equals < 0 ? "" : pair[(equals + 1)..];
        }

        return parsed;
    }

    protected override async Task<Failure?> LoadAsync(CancellationToken cancellationToken)
    {
        var outcome = await profiles.GetAsync(Name, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return failure;
        }

        (Profile, Version) = (outcome.Value, outcome.Version ?? 0);
        Users = (await users.ListAsync(null, cancellationToken)).Where(u => u.Profile is not null).Select(u => u.Name).ToList();
        return null;
    }
}
