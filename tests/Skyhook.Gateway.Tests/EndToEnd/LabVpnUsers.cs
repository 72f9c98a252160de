using Skyhook.Core.Identity;
using Skyhook.Lab.Controller;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>
/// VPN users of an end-to-end bed with their enrolled TOTP secrets, and the one-time codes they
/// have used: shared by <see cref="LabVpnBed"/> and <see cref="HaBed"/>.
/// </summary>
public sealed class LabVpnUsers
{
    private readonly Totp _totp = new(TimeProvider.System);
    private readonly Dictionary<string, (byte[] Secret, long LastStep)> _users = [];

    /// <summary>A VPN user with <paramref name="password"/> and an enrolled TOTP secret, on <paramref name="profile"/>.</summary>
    public async Task CreateAsync(LabAdmin admin, string name, string password, string profile, CancellationToken cancellationToken)
    {
        await admin.PostAsync("/api/v1/users", new { name, email = name + "@example.com", profile, password }, cancellationToken);
        var mfa = await admin.PostAsync($"/api/v1/users/{name}/mfa", new { }, cancellationToken);
        var secret = Base32.Decode(mfa.GetProperty("secret").GetString()!);
        var step = _totp.GetCurrentTimeStep();
        await admin.PostAsync($"/api/v1/users/{name}/mfa/confirm", new { code = _totp.Compute(secret, step) }, cancellationToken);
        lock (_users)
        {
            _users[name] = (secret, step);
        }
    }

    /// <summary>
    /// The user's next unused code: a later step than any used before. The controller accepts each
    /// step once, from one step back to one step ahead, so a user has a fresh code about every 30 s.
    /// </summary>
    public string NextCode(string user)
    {
        lock (_users)
        {
            var (secret, last) = _users[user];
            var step = Math.Max(last + 1, _totp.GetCurrentTimeStep());
            Assert.True(step <= _totp.GetCurrentTimeStep() + 1, "no unused one-time code left in the accepted window");
            _users[user] = (secret, step);
            return _totp.Compute(secret, step);
        }
    }

    /// <summary>A well-formed code that is none of the user's codes near now.</summary>
    public string WrongCode(string user)
    {
        byte[] secret;
        lock (_users)
        {
            secret = _users[user].Secret;
        }
        var now = _totp.GetCurrentTimeStep();
        var near = Enumerable.Range(-3, 7).Select(d => _totp.Compute(secret, now + d)).ToHashSet(StringComparer.Ordinal);
        return Enumerable.Range(0, 100).Select(i => i.ToString("000000", System.Globalization.CultureInfo.InvariantCulture)).First(c => !near.Contains(c));
    }
}
