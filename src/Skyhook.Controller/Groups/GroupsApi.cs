using Microsoft.AspNetCore.Http.HttpResults;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Groups;

/// <summary>Gateway groups over HTTP: <see cref="GroupService"/> with ETags and problem details.</summary>
public static class GroupsApi
{
    public static IHostApplicationBuilder AddGroups(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GroupSettingsStore>();
        builder.Services.AddScoped<GroupService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/groups").WithTags("Groups");
        api.MapGet("/", ListAsync);
        api.MapGet("/{name}", GetAsync);
        api.MapPost("/", CreateAsync);
        api.MapPut("/{name}", UpdateAsync);
        api.MapDelete("/{name}", DeleteAsync);
        return app;
    }

    public static async Task<Ok<List<GroupView>>> ListAsync(GroupService groups, CancellationToken cancellationToken) =>
        TypedResults.Ok(await groups.ListAsync(cancellationToken));

    public static async Task<Results<Ok<GroupView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string name, HttpContext context, GroupService groups, CancellationToken cancellationToken) =>
        (await groups.GetAsync(name, cancellationToken)).ToResult(context, TypedResults.Ok);

    public static async Task<Results<Created<GroupView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        GroupRequest request, HttpContext context, GroupService groups, CancellationToken cancellationToken) =>
        (await groups.CreateAsync(request, Actor.From(context), cancellationToken))
            .ToResult(context, group => TypedResults.Created($"/api/v1/groups/{group.Name}", group));

    /// <summary>Replaces the group's settings (If-Match required). Every gateway receives them with the next revision.</summary>
    public static async Task<Results<Ok<GroupView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string name, GroupRequest request, HttpContext context, GroupService groups, CancellationToken cancellationToken) =>
        (await groups.UpdateAsync(name, request, IfMatch.From(context, required: true), Actor.From(context), cancellationToken))
            .ToResult(context, TypedResults.Ok);

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string name, HttpContext context, GroupService groups, CancellationToken cancellationToken) =>
        (await groups.DeleteAsync(name, IfMatch.From(context, required: false), Actor.From(context), cancellationToken))
            .ToResult(context, _ => TypedResults.NoContent());
}
