using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Auth;

/// <summary>
/// Counts failed sign-ins per user name and per source address; after
/// <see cref="AuthOptions.MaxFailures"/> within <see cref="AuthOptions.FailureWindow"/> the name or
/// address is refused for <see cref="AuthOptions.LockoutDuration"/>, whatever it sends.
/// </summary>
public sealed class LoginThrottle(ControllerDbContext db, TimeProvider time, IOptions<AuthOptions> options)
{
    /// <summary>
    /// Keyed by a hash of the name, not the name: a sign-in for a name that is no account's is
    /// often a password typed into the wrong field, and must not be kept in the clear.
    /// </summary>
    public static string UserKey(string name) =>
        "user:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name.ToLowerInvariant())));

    public static string AddressKey(string address) => "address:" + address;

    /// <summary>The latest lockout end among <paramref name="keys"/> still in force, or null.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = await db.LoginThrottles.AsNoTracking().Where(t => keys.Contains(t.Key)).ToListAsync(cancellationToken);
        return rows.Where(t => t.LockedUntil > now).Select(t => t.LockedUntil).Max();
    }

    /// <summary>Counts one failure against every key; locks those that reach the limit and returns them.</summary>
    public async Task<IReadOnlyList<string>> RecordFailureAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        var rows = await db.LoginThrottles.Where(t => keys.Contains(t.Key)).ToListAsync(cancellationToken);
        var locked = new List<string>();
        foreach (var key in keys)
        {
            var row = rows.Find(r => r.Key == key);
            if (row is null)
            {
                row = new LoginThrottleEntity { Key = key, WindowStart = now };
                db.LoginThrottles.Add(row);
            }
            else if (now - row.WindowStart > settings.FailureWindow)
            {
                row.Failures = 0;
                row.WindowStart = now;
            }

            row.Failures++;
            if (row.Failures >= settings.MaxFailures)
            {
                row.LockedUntil = now + settings.LockoutDuration;
                row.Failures = 0;
                row.WindowStart = now;
                locked.Add(key);
            }
        }

        // Two replicas racing on the same key may lose one count; the limit is then reached one
        // failure later, which does not weaken the lockout materially.
        await db.SaveChangesAsync(cancellationToken);
        return locked;
    }

    public async Task ResetAsync(string key, CancellationToken cancellationToken) =>
        await db.LoginThrottles.Where(t => t.Key == key).ExecuteDeleteAsync(cancellationToken);
}
