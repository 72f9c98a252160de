using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;

namespace Skyhook.Controller.Problems;

public static class ProblemsExtensions
{
    /// <summary>
    /// RFC 7807 problem details for every error. Binding failures (malformed JSON, unknown fields,
    /// wrong types) are thrown rather than answered with an empty 400, so that
    /// <see cref="ApiExceptionHandler"/> can name the field at fault.
    /// </summary>
    public static IHostApplicationBuilder AddProblems(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }
}
