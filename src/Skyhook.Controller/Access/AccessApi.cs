using Microsoft.AspNetCore.Http.HttpResults;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Access;

/// <summary>The access check over HTTP: <see cref="AccessService"/> with problem details.</summary>
public static class AccessApi
{
    public static IHostApplicationBuilder AddAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AccessService>();
        builder.Services.AddSingleton<DiscoveredContainers>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/access").WithTags("Access");
        api.MapPost("/check", CheckAsync);
        return app;
    }

    public static async Task<Results<Ok<AccessCheckResponse>, ValidationProblem, ProblemHttpResult>> CheckAsync(
        AccessCheckRequest request, HttpContext context, AccessService access, CancellationToken cancellationToken) =>
        (await access.CheckAsync(request, cancellationToken)).ToResult(context, TypedResults.Ok);
}
