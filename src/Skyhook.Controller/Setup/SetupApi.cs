using Microsoft.AspNetCore.Http.HttpResults;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Setup;

/// <summary>First start over HTTP (<see cref="SetupService"/>): the setup token creates the first admin, a code confirms it.</summary>
public static class SetupApi
{
    public static IHostApplicationBuilder AddSetup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<SetupService>();
        builder.Services.AddHostedService<SetupTokenIssuer>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSetupApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/setup").WithTags("Setup").AllowAnonymous();
        api.MapPost("/", SetupAsync);
        api.MapPost("/confirm", ConfirmAsync);
        return app;
    }

    public static async Task<Results<Ok<MfaEnrolment>, ValidationProblem, ProblemHttpResult>> SetupAsync(
        SetupRequest request, HttpContext context, SetupService setup, CancellationToken cancellationToken) =>
        (await setup.StartAsync(request, Caller.Source(context), cancellationToken)).ToResult(context, TypedResults.Ok);

    public static async Task<Results<Ok<SetupConfirmResponse>, ValidationProblem, ProblemHttpResult>> ConfirmAsync(
        SetupConfirmRequest request, HttpContext context, SetupService setup, CancellationToken cancellationToken) =>
        (await setup.ConfirmAsync(request.Name, request.Code, Caller.Source(context), cancellationToken))
            .ToResult(context, admin => TypedResults.Ok(new SetupConfirmResponse(admin.Name, admin.MfaEnrolled)));
}
