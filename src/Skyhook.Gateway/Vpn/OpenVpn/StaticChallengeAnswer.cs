namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>A decoded SCRV1 answer. Both are secrets: <see cref="ToString"/> masks them.</summary>
public sealed record StaticChallengeAnswer(string Password, string Code)
{
    public override string ToString() => "StaticChallengeAnswer { Password = ***, Code = *** }";
}
