using Skyhook.Controller.Storage;
using Skyhook.Core.Policy;

namespace Skyhook.Controller.Profiles;

public sealed record ProfileView(string Name, string BasePolicy, IReadOnlyList<RuleView> Rules, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ProfileView From(ProfileEntity profile) => new(
        profile.Name,
        profile.BasePolicy,
        profile.Rules.OrderBy(r => r.Position).Select(r => RuleView.From(AccessRule.Parse(r.Text))).ToList(),
        profile.CreatedAt,
        profile.UpdatedAt);
}
