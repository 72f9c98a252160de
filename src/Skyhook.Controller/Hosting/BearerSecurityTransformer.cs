using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Skyhook.Controller.Hosting;

/// <summary>
/// Declares the bearer schemes in the OpenAPI document and requires one on every operation except
/// those that allow anonymous calls (setup, login, gateway enrolment), so generated clients send the
/// token: an admin's API token everywhere but <c>/api/v1/gateway/*</c>, which takes a gateway credential.
/// </summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    private const string Scheme = "Bearer";
    private const string GatewayScheme = "GatewayCredential";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API token from POST /api/v1/auth/login.",
        };
        document.Components.SecuritySchemes[GatewayScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A gateway credential from POST /api/v1/gateway/enroll; only for /api/v1/gateway/*.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security ??= [];
            var scheme = context.Description.RelativePath?.StartsWith("api/v1/gateway/", StringComparison.Ordinal) == true ? GatewayScheme : Scheme;
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
        }

        return Task.CompletedTask;
    }
}
