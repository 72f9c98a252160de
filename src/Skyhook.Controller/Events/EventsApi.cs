using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.GatewayApi;
using Skyhook.Controller.Problems;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Events;

/// <summary>
/// Events over HTTP: gateways post their batches (<c>POST /api/v1/gateway/events</c>, mapped with
/// the gateway-facing API), admins read them (<c>GET /api/v1/events</c>, JSON or CSV, or follow).
/// </summary>
public static class EventsApi
{
    public static IHostApplicationBuilder AddEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventsOptions>()
            .BindConfiguration(EventsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IEventFeed, DatabaseEventFeed>();
        builder.Services.AddScoped<EventIngest>();
        builder.Services.AddScoped<EventService>();
        builder.Services.AddHostedService<EventRetention>();
        return builder;
    }

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/events").WithTags("Events");
        api.MapGet("/", ListAsync);
        return app;
    }

    /// <summary>Maps <c>POST events</c> on the gateway-facing group (its authentication, its contract check).</summary>
    public static RouteHandlerBuilder MapGatewayEvents(this RouteGroupBuilder gatewayApi) =>
        gatewayApi.MapPost("/events", IngestAsync).WithMetadata(new RequestSizeLimitAttribute(EventIngest.MaxBodyBytes));

    /// <summary>
    /// Stores a batch once per (gateway, sequence) and acknowledges the highest sequence stored for
    /// the gateway; a bad batch is refused whole (400 naming the field, such as <c>events[3].port</c>).
    /// </summary>
    public static async Task<Results<Ok<TelemetryAck>, ValidationProblem, ProblemHttpResult>> IngestAsync(
        TelemetryBatch batch,
        HttpContext context,
        EventIngest ingest,
        CancellationToken cancellationToken) =>
        (await ingest.StoreAsync(GatewayAuthenticationHandler.GatewayId(context), batch, cancellationToken))
            .ToResult(context, TypedResults.Ok);

    /// <summary>
    /// Newest first, <paramref name="before"/> paging back by id; with <paramref name="after"/>
    /// oldest first, and with <paramref name="wait"/> a long poll for the next events (200 with
    /// <c>[]</c> when none came). CSV with <c>format=csv</c> or <c>Accept: text/csv</c>.
    /// </summary>
    /// <param name="kind">session, flow, dns, web or audit.</param>
    /// <param name="user">The user's name, regardless of case (audit: the actor).</param>
    /// <param name="container">A container or swarm service name, exactly.</param>
    /// <param name="verdict">allowed or denied.</param>
    /// <param name="gateway">The gateway's name, regardless of case.</param>
    /// <param name="from">Events at or after this time (ISO 8601).</param>
    /// <param name="to">Events at or before this time (ISO 8601).</param>
    /// <param name="before">Only events with a smaller id.</param>
    /// <param name="after">Only events with a larger id, oldest first.</param>
    /// <param name="limit">1 to 1000, default 100.</param>
    /// <param name="wait">With after: seconds (up to 30) to wait for a newer event.</param>
    /// <param name="q">Part of any text field (user, name, path, destination, container, service, rule, reason, action, public address, session id), regardless of case.</param>
    /// <param name="format">json (default) or csv.</param>
    public static async Task<Results<Ok<List<EventView>>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? kind,
        string? user,
        string? container,
        string? verdict,
        string? gateway,
        DateTimeOffset? from,
        DateTimeOffset? to,
        long? before,
        long? after,
        int? limit,
        int? wait,
        string? q,
        string? format,
        HttpContext context,
        EventService events,
        CancellationToken cancellationToken)
    {
        bool csv;
        switch (format?.Trim().ToLowerInvariant())
        {
            case null or "":
                csv = context.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/csv", StringComparison.OrdinalIgnoreCase));
                break;
            case "json":
                csv = false;
                break;
            case "csv":
                csv = true;
                break;
            default:
                return Failure.Invalid("format", "json or csv.").ToValidationProblem();
        }

        var outcome = await events.ListAsync(new EventFilter(kind, user, container, verdict, gateway, from, to, before, after, limit, wait, q), cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return failure.Kind == FailureKind.Invalid ? failure.ToValidationProblem() : failure.ToProblem(context);
        }

        return csv ? TypedResults.Text(EventCsv.Write(outcome.Value!), EventCsv.ContentType) : TypedResults.Ok(outcome.Value!.Select(EventView.From).ToList());
    }
}
