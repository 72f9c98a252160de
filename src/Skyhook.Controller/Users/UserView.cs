using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Users;

/// <summary>A user as the API shows it: never a password hash or TOTP secret.</summary>
public sealed record UserView(
    string Name,
    string Email,
    bool Enabled,
    bool Admin,
    string? Profile,
    bool MfaEnrolled,
    bool HasPassword,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static UserView From(UserEntity user, string? profile) => new(
        user.Name,
        user.Email,
        user.Enabled,
        user.IsAdmin,
        profile,
        user.MfaEnrolled,
        user.PasswordHash is not null,
        user.CreatedAt,
        user.UpdatedAt);
}
