using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Storage;
using Skyhook.Core.Pki;

namespace Skyhook.Controller.Pki;

/// <summary>
/// The VPN CA and the session-token signing key: created on first use, stored in the database (so
/// every replica shares them) with the private parts encrypted by Data Protection, and cached in
/// memory once read. Two replicas creating at once: the first insert wins, the other reads it.
/// </summary>
public sealed partial class ControllerKeys(
    ControllerDbContext db,
    IDataProtectionProvider dataProtection,
    ControllerKeys.Cache cache,
    TimeProvider time,
    ILogger<ControllerKeys> logger)
{
    public const string CaCommonName = "Skyhook VPN CA";

    private const string CaRow = "ca";
    private const string SessionKeyRow = "session.key";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Skyhook.Controller.Keys.v1");

    public async Task<PemPair> CaAsync(CancellationToken cancellationToken)
    {
        if (cache.Values.TryGetValue(CaRow, out var cached))
        {
            return (PemPair)cached;
        }

        var stored = await GetOrAddAsync(
            CaRow,
            () =>
            {
                var ca = CertificateAuthority.Create(CaCommonName, time);
                return JsonSerializer.Serialize(new StoredCa(ca.CertificatePem, _protector.Protect(ca.PrivateKeyPem)));
            },
            cancellationToken);
        var row = JsonSerializer.Deserialize<StoredCa>(stored.Value)!;
        var pair = new PemPair(row.CertificatePem, _protector.Unprotect(row.ProtectedKeyPem));
        if (stored.Created)
        {
            Log.CaCreated(logger);
        }

        return (PemPair)cache.Values.GetOrAdd(CaRow, pair);
    }

    /// <summary>32 random bytes for HMAC-SHA256 over session tokens.</summary>
    public async Task<byte[]> SessionKeyAsync(CancellationToken cancellationToken)
    {
        if (cache.Values.TryGetValue(SessionKeyRow, out var cached))
        {
            return (byte[])cached;
        }

        var stored = await GetOrAddAsync(
            SessionKeyRow,
            () => Convert.ToBase64String(_protector.Protect(RandomNumberGenerator.GetBytes(32))),
            cancellationToken);
        return (byte[])cache.Values.GetOrAdd(SessionKeyRow, _protector.Unprotect(Convert.FromBase64String(stored.Value)));
    }

    private async Task<(string Value, bool Created)> GetOrAddAsync(string name, Func<string> create, CancellationToken cancellationToken)
    {
        var existing = await db.ControllerKeys.AsNoTracking().Where(k => k.Name == name).Select(k => k.Value).FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            return (existing, false);
        }

        var entity = new ControllerKeyEntity { Name = name, Value = create(), CreatedAt = time.GetUtcNow() };
        db.ControllerKeys.Add(entity);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return (entity.Value, true);
        }
        catch (DbUpdateException)
        {
            // Another replica (or request) stored it first: use theirs.
            db.Entry(entity).State = EntityState.Detached;
            var winner = await db.ControllerKeys.AsNoTracking().Where(k => k.Name == name).Select(k => k.Value).FirstAsync(cancellationToken);
            return (winner, false);
        }
    }

    /// <summary>Decrypted keys of this process; they never change once created.</summary>
    public sealed class Cache
    {
        public ConcurrentDictionary<string, object> Values { get; } = new(StringComparer.Ordinal);
    }

    private sealed record StoredCa(string CertificatePem, string ProtectedKeyPem);

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.CaCreated, LogLevel.Information, "Created the VPN certificate authority.")]
        public static partial void CaCreated(ILogger logger);
    }
}
