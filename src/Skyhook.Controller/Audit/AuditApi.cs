using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Audit;

public static class AuditApi
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuditLog>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/audit").WithTags("Audit");
        api.MapGet("/", ListAsync);
        return app;
    }

    /// <summary>Newest first; <paramref name="before"/> pages back by id.</summary>
    public static async Task<Results<Ok<List<AuditEntryView>>, ValidationProblem>> ListAsync(
        ControllerDbContext db,
        long? before,
        int? limit,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (limit is < 1 or > 1000)
        {
            errors.Add("limit", "The limit must be between 1 and 1000.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var query = db.Audit.AsNoTracking();
        if (before is { } id)
        {
            query = query.Where(a => a.Id < id);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(limit ?? 100).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(a => new AuditEntryView(
            a.Id, a.At, a.Actor, a.Source, a.Action, a.Subject, Parse(a.Before), Parse(a.After))).ToList());
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
