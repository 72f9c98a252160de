using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Setup;

/// <summary>
/// On a controller without an enrolled admin, makes a one-time setup token, keeps only its hash and
/// writes the token to the log once: there is no default password. Each start replaces the previous
/// token, so a token from an old log line stops working.
/// </summary>
/// <remarks>Registered after the migrator, so the schema exists. With several replicas each writes
/// its own token and the last one to start wins; set up through that replica's log.</remarks>
internal sealed partial class SetupTokenIssuer(IServiceScopeFactory scopes, TimeProvider time, ILogger<SetupTokenIssuer> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControllerDbContext>();
        if (await SetupService.IsCompleteAsync(db, cancellationToken))
        {
            return;
        }

        var token = Secrets.NewToken("setup_");
        await db.SetupTokens.ExecuteDeleteAsync(cancellationToken);
        db.SetupTokens.Add(new SetupTokenEntity { Id = 1, Hash = Secrets.Hash(token), CreatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        Log.SetupToken(logger, token);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        // The one place a secret is logged, by design: it is how the operator receives it. It is
        // single-use and dies when setup completes or the controller restarts.
        [LoggerMessage(ControllerEventIds.SetupToken, LogLevel.Warning, "No admin is set up yet. One-time setup token: {SetupToken} (enter it at /setup in a browser, or use `skyhook setup` or POST /api/v1/setup).")]
        public static partial void SetupToken(ILogger logger, string setupToken);
    }
}
