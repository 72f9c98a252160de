using Microsoft.AspNetCore.Http.HttpResults;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Profiles;

/// <summary>Access profiles over HTTP: <see cref="ProfileService"/> with ETags and problem details.</summary>
public static class ProfilesApi
{
    public static IHostApplicationBuilder AddProfiles(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProfileService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/profiles").WithTags("Profiles");
        api.MapGet("/", ListAsync);
        api.MapGet("/{name}", GetAsync);
        api.MapPost("/", CreateAsync);
        api.MapPut("/{name}", UpdateAsync);
        api.MapDelete("/{name}", DeleteAsync);
        return app;
    }

    public static async Task<Ok<List<ProfileView>>> ListAsync(ProfileService profiles, CancellationToken cancellationToken) =>
        TypedResults.Ok(await profiles.ListAsync(cancellationToken));

    public static async Task<Results<Ok<ProfileView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string name, HttpContext context, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.GetAsync(name, cancellationToken)).ToResult(context, TypedResults.Ok);

    public static async Task<Results<Created<ProfileView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateProfileRequest request, HttpContext context, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.CreateAsync(request, Actor.From(context), cancellationToken))
            .ToResult(context, profile => TypedResults.Created($"/api/v1/profiles/{profile.Name}", profile));

    public static async Task<Results<Ok<ProfileView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string name, UpdateProfileRequest request, HttpContext context, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.UpdateAsync(name, request, IfMatch.From(context, required: true), Actor.From(context), cancellationToken))
            .ToResult(context, TypedResults.Ok);

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string name, HttpContext context, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.DeleteAsync(name, IfMatch.From(context, required: false), Actor.From(context), cancellationToken))
            .ToResult(context, _ => TypedResults.NoContent());
}
