using System.Diagnostics.CodeAnalysis;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// What a client's password field means: a first login (SCRV1: password and one-time code) or a
/// session token candidate (after <c>push "auth-token TOKEN"</c> the OpenVPN client sends TOKEN as its
/// password on renegotiation and reconnect). Whether the token is valid is the controller's call.
/// </summary>
public sealed record ClientCredentials
{
    /// <summary>Longest session token accepted, in characters. 1024 (OpenVPN pushes fit in its control channel).</summary>
    public const int MaxTokenLength = 1024;

    private ClientCredentials(string? password, string? code, string? sessionToken)
    {
        Password = password;
        Code = code;
        SessionToken = sessionToken;
    }

    public string? Password { get; }

    public string? Code { get; }

    public string? SessionToken { get; }

    public bool IsSessionToken => SessionToken is not null;

    /// <summary>
    /// Reads a client's password field. False, with a reason safe to log and show, for a malformed
    /// SCRV1 answer or a token candidate that no token of ours could be (empty, too long, not
    /// printable ASCII without spaces).
    /// </summary>
    public static bool TryRead(string? password, [NotNullWhen(true)] out ClientCredentials? credentials, [NotNullWhen(false)] out string? error)
    {
        credentials = null;
        if (StaticChallenge.IsStaticChallenge(password))
        {
            if (!StaticChallenge.TryDecode(password, out var answer, out error))
            {
                return false;
            }
            credentials = new ClientCredentials(answer.Password, answer.Code, null);
            return true;
        }
        if (string.IsNullOrEmpty(password))
        {
            error = "no password and one-time code were sent";
            return false;
        }
        if (password.Length > MaxTokenLength || !password.All(c => c is > ' ' and <= '~'))
        {
            error = "the password is neither a static-challenge answer nor a session token";
            return false;
        }
        credentials = new ClientCredentials(null, null, password);
        error = null;
        return true;
    }

    public override string ToString() =>
        IsSessionToken ? "ClientCredentials { SessionToken = *** }" : "ClientCredentials { Password = ***, Code = *** }";
}
