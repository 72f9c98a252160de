using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Profiles;

namespace Skyhook.Controller.Web.Console.Profiles;

/// <summary>Access profiles: the list, and adding one (its rules are edited on its own page).</summary>
public sealed class IndexModel(ProfileService profiles) : ConsolePageModel
{
    public List<ProfileView> Profiles { get; private set; } = [];

    public string? Name { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(string? name, string? basePolicy, CancellationToken cancellationToken)
    {
        Name = name;
        var outcome = await profiles.CreateAsync(new CreateProfileRequest(name, basePolicy, []), Actor, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return await ShowAsync(failure, cancellationToken);
        }

        return Done($"Profile {outcome.Value!.Name} added; now add its rules.", "/Console/Profiles/Detail", new { name = outcome.Value.Name });
    }

    protected override async Task<Failure?> LoadAsync(CancellationToken cancellationToken)
    {
        Profiles = await profiles.ListAsync(cancellationToken);
        return null;
    }
}
