using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Profiles;
using Skyhook.Controller.Users;

namespace Skyhook.Controller.Web.Console.Users;

/// <summary>Users: the list with search, and adding one.</summary>
public sealed class IndexModel(UserService users, ProfileService profiles) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public List<UserView> Users { get; private set; } = [];

    public List<string> Profiles { get; private set; } = [];

    public CreateUserRequest Input { get; private set; } = new(null, null, null, null, false);

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(string? name, string? email, string? profile, bool admin, CancellationToken cancellationToken)
    {
        Input = new CreateUserRequest(name, email, string.IsNullOrEmpty(profile) ? null : profile, FormSecret("password"), admin);
        var outcome = await users.CreateAsync(Input, Actor, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return await ShowAsync(failure, cancellationToken);
        }

        return Done($"User {outcome.Value!.Name} added. They sign in at this site to set up a one-time code.", "/Console/Users/Detail", new { name = outcome.Value.Name });
    }

    protected override async Task<Failure?> LoadAsync(CancellationToken cancellationToken)
    {
        Users = await users.ListAsync(Q, cancellationToken);
        Profiles = (await profiles.ListAsync(cancellationToken)).Select(p => p.Name).ToList();
        return null;
    }
}
