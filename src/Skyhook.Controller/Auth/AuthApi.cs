using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Auth;

/// <summary>Admin sign-in (password and TOTP code) for API tokens, and the caller's tokens.</summary>
public static partial class AuthApi
{
    private const int MaxTokenNameLength = 64;
    private const string ApiOrBrowserScheme = "api-or-browser";

    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<PasswordHasher>();
        builder.Services.AddScoped<Mfa>();
        builder.Services.AddScoped<LoginThrottle>();
        builder.Services.AddScoped<SignIn>();
        // The API only ever takes tokens, the pages only ever the console's cookie: a browser's
        // cookie can never authorise an API call (no cross-site request forgery against /api).
        builder.Services.AddAuthentication(ApiOrBrowserScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(ApiOrBrowserScheme, null, options => options.ForwardDefaultSelector = context =>
                context.Request.Path.StartsWithSegments("/api") ? BearerAuthenticationHandler.SchemeName : Web.ConsoleAuth.Scheme);
        // Every endpoint needs a token unless it says otherwise (setup, login, health).
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/auth").WithTags("Auth");
        api.MapPost("/login", LoginAsync).AllowAnonymous();
        api.MapGet("/tokens", ListTokensAsync);
        api.MapDelete("/tokens/{id:int}", RevokeTokenAsync);
        return app;
    }

    public static async Task<Results<Ok<LoginResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest request,
        HttpContext context,
        ControllerDbContext db,
        SignIn signIn,
        AuditLog audit,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        SignIn.RequireCredentials(errors, request.Name, request.Password);

        errors.Require("code", request.Code);
        var tokenName = string.IsNullOrEmpty(request.TokenName) ? "cli" : request.TokenName;
        if (TokenNameError(tokenName) is { } tokenError)
        {
            errors.Add("tokenName", tokenError);
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var source = Caller.Source(context);
        var result = await signIn.VerifyAsync(request.Name!, request.Password!, request.Code!, source, adminOnly: true, allowEnrolment: false, cancellationToken);
        if (result.LockedUntil is { } lockedUntil)
        {
            var retryAfter = Math.Max(1, (int)Math.Ceiling((lockedUntil - time.GetUtcNow()).TotalSeconds));
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many failed sign-ins from this name or address; try again later.");
        }

        if (result.User is not { } user)
        {
            return ApiProblems.Unauthorized("The name, password or code is wrong, or the account cannot sign in.");
        }

        // The audit entry names the token's id, so the token is saved first; one transaction keeps
        // the pair whole.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var token = Secrets.NewToken("skyhook_");
        var entity = new ApiTokenEntity
        {
            UserId = user.Id,
            Name = tokenName,
            Hash = Secrets.Hash(token),
            CreatedAt = time.GetUtcNow(),
            CreatedFrom = source,
        };
        db.ApiTokens.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        var view = new ApiTokenView(entity.Id, entity.Name, user.Name, entity.CreatedAt, entity.CreatedFrom, false);
        audit.Record(user.Name, source, "token.create", $"token {entity.Id}", null, view);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Log.SignedIn(loggers.CreateLogger(typeof(AuthApi)), user.Name, source);
        return TypedResults.Ok(new LoginResponse(token, view));
    }

    public static async Task<Ok<List<ApiTokenView>>> ListTokensAsync(HttpContext context, ControllerDbContext db, CancellationToken cancellationToken)
    {
        var userId = Caller.UserId(context);
        var current = Caller.TokenId(context);
        var tokens = await db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == userId)
            .OrderBy(t => t.Id)
            .Select(t => new ApiTokenView(t.Id, t.Name, t.User!.Name, t.CreatedAt, t.CreatedFrom, t.Id == current))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(tokens);
    }

    /// <summary>Revokes one of the caller's own tokens, the one in use included.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(
        int id,
        HttpContext context,
        ControllerDbContext db,
        AuditLog audit,
        CancellationToken cancellationToken)
    {
        var userId = Caller.UserId(context);
        var token = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == id && t.UserId == userId, cancellationToken);
        if (token is null)
        {
            return ApiProblems.NotFound("This token");
        }

        var view = new ApiTokenView(token.Id, token.Name, token.User!.Name, token.CreatedAt, token.CreatedFrom, token.Id == Caller.TokenId(context));
        db.ApiTokens.Remove(token);
        audit.Record(context, "token.revoke", $"token {token.Id}", view, null);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static string? TokenNameError(string name) =>
        name.Length > MaxTokenNameLength || name.Any(c => char.IsControl(c) || c is '"' or '\'' || char.IsWhiteSpace(c) && c != ' ')
            ? $"The token name must be at most {MaxTokenNameLength} characters, without quotes or control characters."
            : null;

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.SignedIn, LogLevel.Information, "{User} signed in from {Source}; API token issued.")]
        public static partial void SignedIn(ILogger logger, string user, string source);
    }
}
