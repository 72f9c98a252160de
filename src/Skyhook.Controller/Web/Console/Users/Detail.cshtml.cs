using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Profiles;
using Skyhook.Controller.Sessions;
using Skyhook.Controller.Users;

namespace Skyhook.Controller.Web.Console.Users;

/// <summary>
/// One user: settings, enable or disable (disabling cuts their VPN sessions), reset the one-time
/// code, delete, and their live sessions. Every change carries the version the page showed, so two
/// admins do not overwrite each other unknowingly.
/// </summary>
public sealed class DetailModel(UserService users, ProfileService profiles, SessionService sessions) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public UserView? UserView { get; private set; }

    public long Version { get; private set; }

    public List<string> Profiles { get; private set; } = [];

    public List<SessionView> Sessions { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public Task<IActionResult> OnPostUpdateAsync(long version, string? email, string? profile, bool admin, CancellationToken cancellationToken) =>
        ChangeAsync(
            async () =>
            {
                var current = (await users.GetAsync(Name, cancellationToken)).Value;
                return await users.UpdateAsync(
                    Name,
                    new UpdateUserRequest(email, string.IsNullOrEmpty(profile) ? null : profile, current?.Enabled ?? true, admin, FormSecret("password")),
                    IfMatch.Version(version),
                    Actor,
                    cancellationToken);
            },
            "Saved.",
            cancellationToken);

    public Task<IActionResult> OnPostDisableAsync(long version, CancellationToken cancellationToken) =>
        ChangeAsync(() => users.SetEnabledAsync(Name, false, IfMatch.Version(version), Actor, cancellationToken), "Disabled; their VPN sessions are being cut.", cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(long version, CancellationToken cancellationToken) =>
        ChangeAsync(() => users.SetEnabledAsync(Name, true, IfMatch.Version(version), Actor, cancellationToken), "Enabled.", cancellationToken);

    public Task<IActionResult> OnPostResetMfaAsync(long version, CancellationToken cancellationToken) =>
        // The new secret is not shown here: the user sets up their own at the next sign-in.
        ChangeAsync(async () => (await users.StartMfaAsync(Name, IfMatch.Version(version), Actor, cancellationToken)).Failure, "One-time code reset: they set up a new one at their next sign-in.", cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(long version, CancellationToken cancellationToken)
    {
        var outcome = await users.DeleteAsync(Name, IfMatch.Version(version), Actor, cancellationToken);
        return outcome.Failure is { } failure ? await ShowAsync(failure, cancellationToken) : Done($"User {Name} deleted.", "/Console/Users/Index");
    }

    private Task<IActionResult> ChangeAsync<T>(Func<Task<Outcome<T>>> change, string notice, CancellationToken cancellationToken) =>
        ChangeAsync(async () => (await change()).Failure, notice, cancellationToken);

    private async Task<IActionResult> ChangeAsync(Func<Task<Failure?>> change, string notice, CancellationToken cancellationToken) =>
        await change() is { } failure ? await ShowAsync(failure, cancellationToken) : Done(notice, "/Console/Users/Detail", new { name = Name });

    protected override async Task<Failure?> LoadAsync(CancellationToken cancellationToken)
    {
        var outcome = await users.GetAsync(Name, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return failure;
        }

        (UserView, Version) = (outcome.Value, outcome.Version ?? 0);
        Profiles = (await profiles.ListAsync(cancellationToken)).Select(p => p.Name).ToList();
        Sessions = await sessions.ListAsync(Name, cancellationToken);
        return null;
    }
}
