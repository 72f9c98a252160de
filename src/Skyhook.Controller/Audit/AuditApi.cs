using Microsoft.AspNetCore.Http.HttpResults;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Audit;

/// <summary>The audit log over HTTP: <see cref="AuditQuery"/> with problem details.</summary>
public static class AuditApi
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<AuditQuery>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/audit").WithTags("Audit");
        api.MapGet("/", ListAsync);
        return app;
    }

    /// <summary>Newest first; <paramref name="before"/> pages back by id.</summary>
    /// <param name="actor">The actor's name, regardless of case.</param>
    /// <param name="action">The start of the action, such as <c>auth.</c> or <c>user.update</c>.</param>
    /// <param name="subject">Part of the subject, regardless of case.</param>
    /// <param name="from">Entries at or after this time (ISO 8601).</param>
    /// <param name="to">Entries at or before this time (ISO 8601).</param>
    public static async Task<Results<Ok<List<AuditEntryView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        long? before,
        int? limit,
        string? actor,
        string? action,
        string? subject,
        DateTimeOffset? from,
        DateTimeOffset? to,
        HttpContext context,
        AuditQuery audit,
        CancellationToken cancellationToken) =>
        (await audit.ListAsync(new AuditFilter(before, limit, actor, action, subject, from, to), cancellationToken))
            .ToResult(context, TypedResults.Ok);
}
