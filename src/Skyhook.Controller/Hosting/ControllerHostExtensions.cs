using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Web;

namespace Skyhook.Controller.Hosting;

public static class ControllerHostExtensions
{
    /// <summary>
    /// What every feature relies on: options, the data directory, the clock, strict JSON, problem
    /// details for every error, the request body limit, Data Protection keys and the OpenAPI document.
    /// </summary>
    public static IHostApplicationBuilder AddControllerHost(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ControllerOptions>()
            .BindConfiguration(ControllerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            // Unknown or repeated fields are refused, not ignored: a misspelt field must not
            // silently leave a setting at its old value.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.AllowDuplicateProperties = false;
        });

        builder.AddProblems();

        builder.Services.AddSingleton<IConfigureOptions<DataProtectionOptions>, DataDirectorySetup>();
        builder.Services.AddDataProtection().SetApplicationName("skyhook-controller");
        builder.Services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>, DataProtectionKeysSetup>();

        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
        });
        return builder;
    }

    /// <summary>The request pipeline shared by every endpoint: errors, body limit, authentication.</summary>
    public static WebApplication UseControllerHost(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseConsoleAssets();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok("ok")).AllowAnonymous().ExcludeFromDescription();
        // The document describes the API, not its data; clients read it before they have a token.
        app.MapOpenApi().AllowAnonymous();
        return app;
    }
}
