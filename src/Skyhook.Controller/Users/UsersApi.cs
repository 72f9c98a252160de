using Microsoft.AspNetCore.Http.HttpResults;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Users;

/// <summary>Users over HTTP: <see cref="UserService"/> with ETags and problem details.</summary>
public static class UsersApi
{
    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/users").WithTags("Users");
        api.MapGet("/", ListAsync);
        api.MapGet("/{name}", GetAsync);
        api.MapPost("/", CreateAsync);
        api.MapPut("/{name}", UpdateAsync);
        api.MapDelete("/{name}", DeleteAsync);
        api.MapPost("/{name}/disable", (string name, HttpContext context, UserService users, CancellationToken cancellationToken) =>
            SetEnabledAsync(name, false, context, users, cancellationToken));
        api.MapPost("/{name}/enable", (string name, HttpContext context, UserService users, CancellationToken cancellationToken) =>
            SetEnabledAsync(name, true, context, users, cancellationToken));
        api.MapPost("/{name}/mfa", StartMfaAsync);
        api.MapPost("/{name}/mfa/confirm", ConfirmMfaAsync);
        return app;
    }

    /// <param name="search">Keeps users whose name, e-mail or profile contains it.</param>
    public static async Task<Ok<List<UserView>>> ListAsync(string? search, UserService users, CancellationToken cancellationToken) =>
        TypedResults.Ok(await users.ListAsync(search, cancellationToken));

    public static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string name, HttpContext context, UserService users, CancellationToken cancellationToken) =>
        (await users.GetAsync(name, cancellationToken)).ToResult(context, TypedResults.Ok);

    public static async Task<Results<Created<UserView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateUserRequest request, HttpContext context, UserService users, CancellationToken cancellationToken) =>
        (await users.CreateAsync(request, Actor.From(context), cancellationToken))
            .ToResult(context, user => TypedResults.Created($"/api/v1/users/{user.Name}", user));

    public static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string name, UpdateUserRequest request, HttpContext context, UserService users, CancellationToken cancellationToken) =>
        (await users.UpdateAsync(name, request, IfMatch.From(context, required: true), Actor.From(context), cancellationToken))
            .ToResult(context, TypedResults.Ok);

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string name, HttpContext context, UserService users, CancellationToken cancellationToken) =>
        (await users.DeleteAsync(name, IfMatch.From(context, required: false), Actor.From(context), cancellationToken))
            .ToResult(context, _ => TypedResults.NoContent());

    public static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> SetEnabledAsync(
        string name, bool enabled, HttpContext context, UserService users, CancellationToken cancellationToken) =>
        (await users.SetEnabledAsync(name, enabled, IfMatch.From(context, required: false), Actor.From(context), cancellationToken))
            .ToResult(context, TypedResults.Ok);

    /// <summary>A new TOTP secret for the user, shown in this response only.</summary>
    public static async Task<Results<Ok<MfaEnrolment>, ValidationProblem, ProblemHttpResult>> StartMfaAsync(
        string name, HttpContext context, UserService users, CancellationToken cancellationToken) =>
        (await users.StartMfaAsync(name, IfMatch.From(context, required: false), Actor.From(context), cancellationToken))
            .ToResult(context, TypedResults.Ok);

    public static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> ConfirmMfaAsync(
        string name, MfaConfirmRequest request, HttpContext context, UserService users, CancellationToken cancellationToken) =>
        (await users.ConfirmMfaAsync(name, request.Code, Actor.From(context), cancellationToken))
            .ToResult(context, TypedResults.Ok);
}
