using Microsoft.AspNetCore.Http.HttpResults;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Sessions;

/// <summary>Live VPN sessions over HTTP, for admins: <see cref="SessionService"/> with problem details.</summary>
public static class SessionsApi
{
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<SessionService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/sessions").WithTags("Sessions");
        api.MapGet("/", ListAsync);
        api.MapDelete("/{id}", EndAsync);
        return app;
    }

    /// <summary>The live sessions of online gateways, oldest first; <paramref name="user"/> narrows to one user.</summary>
    public static async Task<Ok<List<SessionView>>> ListAsync(string? user, SessionService sessions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sessions.ListAsync(user, cancellationToken));

    /// <summary>Ends a live session: its token is refused from now on and its gateway cuts it.</summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> EndAsync(
        string id, HttpContext context, SessionService sessions, CancellationToken cancellationToken) =>
        (await sessions.EndAsync(id, Actor.From(context), cancellationToken)).ToResult(context, _ => TypedResults.NoContent());
}
