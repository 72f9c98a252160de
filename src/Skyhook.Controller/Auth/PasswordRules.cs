namespace Skyhook.Controller.Auth;

/// <summary>What a password must be: long enough to resist guessing, short enough to hash cheaply.</summary>
public static class PasswordRules
{
    public const int MinLength = 12;
    public const int MaxLength = 256;

    public static string? Check(string password) => password.Length switch
    {
        < MinLength => $"The password must be at least {MinLength} characters.",
        > MaxLength => $"The password must be at most {MaxLength} characters.",
        _ => null,
    };
}
