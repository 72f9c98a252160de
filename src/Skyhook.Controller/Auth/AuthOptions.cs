using System.ComponentModel.DataAnnotations;

namespace Skyhook.Controller.Auth;

/// <summary>Sign-in hardening (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Failed sign-ins (wrong password or code) allowed per user name and per source address within
    /// <see cref="FailureWindow"/> before that name or address is locked out. Default 5.
    /// </summary>
    [Range(1, 100)]
    public int MaxFailures { get; set; } = 5;

    /// <summary>How long failures are remembered. Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a locked name or address is refused, even with the right password. Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// PBKDF2-SHA256 iterations for new password hashes. Default 600,000 (OWASP's 2023 figure); never
    /// below 210,000. Existing hashes keep the count they were made with.
    /// </summary>
    [Range(210_000, 10_000_000)]
    public int PasswordIterations { get; set; } = 600_000;

    /// <summary>The issuer shown in authenticator apps. Default <c>Skyhook</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9 ._-]{1,40}$")]
    public string TotpIssuer { get; set; } = "Skyhook";
}
