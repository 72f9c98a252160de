using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Tests.Sync;

/// <summary>
/// A FAKE controller (Kestrel on loopback) for what the real one cannot be made to do: send an
/// invalid desired state, or show a certificate other than its own. It speaks the contract's paths;
/// the real controller is exercised by the integration tests in Vpn/Login.
/// </summary>
internal sealed class FakeController : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeController(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>States served by the next config polls, one per poll; when empty, polls answer 304 after a short wait.</summary>
    public Channel<DesiredState> States { get; } = Channel.CreateUnbounded<DesiredState>();

    public ConcurrentQueue<Heartbeat> Heartbeats { get; } = new();

    public ConcurrentQueue<string> ContractHeaders { get; } = new();

    public static async Task<FakeController> StartAsync(X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        FakeController? self = null;
        app.MapGet("/api/v1/gateway/config", async (HttpContext context, CancellationToken ct) =>
        {
            self!.ContractHeaders.Enqueue(context.Request.Headers[ContractVersion.Header].ToString());
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromMilliseconds(300));
            try
            {
                var state = await self.States.Reader.ReadAsync(wait.Token);
                return Results.Json(state);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
        });
        app.MapPost("/api/v1/gateway/heartbeat", (Heartbeat heartbeat) =>
        {
            self!.Heartbeats.Enqueue(heartbeat);
            return Results.NoContent();
        });
        await app.StartAsync(cancellationToken);
        var address = app.Urls.Single();
        self = new FakeController(app, address);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
