using Microsoft.AspNetCore.Http.HttpResults;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Gateways;

/// <summary>Gateways over HTTP, for admins: <see cref="GatewayService"/> with ETags and problem details.</summary>
public static class GatewaysApi
{
    public static IHostApplicationBuilder AddGateways(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<GatewayService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapGatewaysApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/groups/{group}/gateways", AddAsync).WithTags("Gateways");
        var api = app.MapGroup("/api/v1/gateways").WithTags("Gateways");
        api.MapGet("/", ListAsync);
        api.MapGet("/{name}", GetAsync);
        api.MapDelete("/{name}", DeleteAsync);
        api.MapPost("/{name}/join-token", RenewJoinTokenAsync);
        return app;
    }

    public static async Task<Results<Created<AddGatewayResponse>, ValidationProblem, ProblemHttpResult>> AddAsync(
        string group, AddGatewayRequest request, HttpContext context, GatewayService gateways, CancellationToken cancellationToken) =>
        (await gateways.AddAsync(group, request, Origin(context), Actor.From(context), cancellationToken))
            .ToResult(context, added => TypedResults.Created($"/api/v1/gateways/{added.Gateway.Name}", added));

    /// <param name="group">Only this group's gateways.</param>
    public static async Task<Results<Ok<List<GatewayView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? group, HttpContext context, GatewayService gateways, CancellationToken cancellationToken) =>
        (await gateways.ListAsync(group, cancellationToken)).ToResult(context, TypedResults.Ok);

    public static async Task<Results<Ok<GatewayView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string name, HttpContext context, GatewayService gateways, CancellationToken cancellationToken) =>
        (await gateways.GetAsync(name, cancellationToken)).ToResult(context, TypedResults.Ok);

    /// <summary>Removes the gateway: its credential stops working at once and its client block becomes free.</summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string name, HttpContext context, GatewayService gateways, CancellationToken cancellationToken) =>
        (await gateways.DeleteAsync(name, IfMatch.From(context, required: false), Actor.From(context), cancellationToken))
            .ToResult(context, _ => TypedResults.NoContent());

    /// <summary>A new join token for a gateway that has not enrolled yet (the first was lost or expired); the old one stops working.</summary>
    public static async Task<Results<Ok<AddGatewayResponse>, ValidationProblem, ProblemHttpResult>> RenewJoinTokenAsync(
        string name, HttpContext context, GatewayService gateways, CancellationToken cancellationToken) =>
        (await gateways.RenewJoinTokenAsync(name, Origin(context), Actor.From(context), cancellationToken))
            .ToResult(context, TypedResults.Ok);

    internal static string Origin(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";
}
