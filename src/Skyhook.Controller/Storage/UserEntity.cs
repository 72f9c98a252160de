namespace Skyhook.Controller.Storage;

/// <summary>A person: an admin of the controller, a VPN user, or both.</summary>
public sealed class UserEntity : IVersioned
{
    public int Id { get; set; }

    /// <summary>As entered, validated by <see cref="Core.Identity.UserName"/>.</summary>
    public required string Name { get; set; }

    /// <summary>Lowercase; unique, so that <c>Alice</c> and <c>alice</c> cannot both exist.</summary>
    public required string NormalizedName { get; set; }

    public required string Email { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Admins sign in to the API; everyone else only uses the VPN.</summary>
    public bool IsAdmin { get; set; }

    public int? ProfileId { get; set; }

    public ProfileEntity? Profile { get; set; }

    /// <summary>A <see cref="Auth.PasswordHasher"/> hash, or null when no password is set.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>The TOTP secret, encrypted with Data Protection; null before enrolment starts.</summary>
    public string? ProtectedTotpSecret { get; set; }

    /// <summary>True once the user has proven, with a code, that the authenticator holds the secret.</summary>
    public bool MfaEnrolled { get; set; }

    /// <summary>The last TOTP time step accepted; codes at or before it are refused (each code works once).</summary>
    public long? LastTotpStep { get; set; }

    /// <summary>
    /// SHA-256 (hex) of the VPN login attempt that took <see cref="LastTotpStep"/>, if one did: the same
    /// attempt asked again (its replica died before answering) is accepted once more.
    /// </summary>
    public string? LastTotpAttempt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Version { get; set; }
}
