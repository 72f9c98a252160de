using Microsoft.AspNetCore.Http.HttpResults;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Pki;

/// <summary>A user's <c>.ovpn</c> for a gateway group (<see cref="VpnProfiles"/>), for admins.</summary>
public static class VpnProfileApi
{
    public static IHostApplicationBuilder AddPki(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ControllerKeys.Cache>();
        builder.Services.AddScoped<ControllerKeys>();
        builder.Services.AddHostedService<KeyRingCheck>();
        builder.Services.AddScoped<VpnProfiles>();
        return builder;
    }

    public static IEndpointRouteBuilder MapVpnProfileApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/users/{name}/vpn-profile", GetAsync).WithTags("Users").Produces<string>(StatusCodes.Status200OK, "text/plain");
        return app;
    }

    /// <param name="group">The gateway group; may be left out when there is only one.</param>
    public static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> GetAsync(
        string name, string? group, HttpContext context, VpnProfiles profiles, CancellationToken cancellationToken) =>
        (await profiles.RenderAsync(name, group, cancellationToken)).ToResult(context, file =>
        {
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{file.FileName}\"";
            return TypedResults.Text(file.Text, "text/plain", System.Text.Encoding.UTF8);
        });
}
