using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Hosting;

namespace Skyhook.Controller.Pki;

/// <summary>
/// At start, after the migrations: this process's Data Protection keys (<c>DATA/keys</c>) must open
/// what the database holds encrypted. A second replica on the same PostgreSQL with keys of its own
/// would refuse every login through it (it cannot read the session key, the TOTP secrets or the CA
/// key), so it does not start, and says which folder to copy from the first replica.
/// </summary>
internal sealed partial class KeyRingCheck(IServiceScopeFactory scopes, IOptions<ControllerOptions> options, ILogger<KeyRingCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            // Creates the key on a new database, so every replica after the first finds it.
            await scope.ServiceProvider.GetRequiredService<ControllerKeys>().SessionKeyAsync(cancellationToken);
        }
        catch (CryptographicException ex)
        {
            var folder = Path.Combine(options.Value.DataDirectory, "keys");
            Log.ForeignKeys(logger, folder, ex.Message);
            throw new InvalidOperationException(
                $"The database's secrets were encrypted with Data Protection keys other than those in {folder}. Another controller replica " +
                $"already uses this database: stop this one, copy the *.xml files of that replica's DATA/keys into {folder}, and start it again.",
                ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.ForeignKeyRing, LogLevel.Critical,
            "The database's secrets cannot be opened with the Data Protection keys in {Folder} ({Error}): they belong to another replica. Copy that replica's DATA/keys here; this one stops.")]
        public static partial void ForeignKeys(ILogger logger, string folder, string error);
    }
}
