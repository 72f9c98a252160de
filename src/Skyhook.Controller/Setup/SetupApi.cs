using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Controller.Users;
using Skyhook.Core.Identity;

namespace Skyhook.Controller.Setup;

/// <summary>
/// First start: the setup token from the log creates the first admin with a password and a TOTP
/// secret; a code from the authenticator confirms it. Until then the token may be used again (a
/// lost secret is replaced); afterwards setup is closed for good.
/// </summary>
public static partial class SetupApi
{
    public static IHostApplicationBuilder AddSetup(this IHostApplicationBuilder builder)
    {
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

    public static Task<bool> IsCompleteAsync(ControllerDbContext db, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.IsAdmin && u.MfaEnrolled, cancellationToken);

    public static async Task<Results<Ok<MfaEnrolment>, ValidationProblem, ProblemHttpResult>> SetupAsync(
        SetupRequest request,
        HttpContext context,
        ControllerDbContext db,
        PasswordHasher passwords,
        Mfa mfa,
        AuditLog audit,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("setupToken", request.SetupToken);
        UserName? name = null;
        if (errors.Require("name", request.Name) && !UserName.TryParse(request.Name, out name, out var nameError))
        {
            errors.Add("name", nameError);
        }

        if (errors.Require("email", request.Email) && EmailRules.Check(request.Email!) is { } emailError)
        {
            errors.Add("email", emailError);
        }

        if (errors.Require("password", request.Password) && PasswordRules.Check(request.Password!) is { } passwordError)
        {
            errors.Add("password", passwordError);
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (await IsCompleteAsync(db, cancellationToken))
        {
            return ApiProblems.Conflict("Setup is already complete; sign in instead.");
        }

        var stored = await db.SetupTokens.FirstOrDefaultAsync(cancellationToken);
        if (stored is null || !CryptographicOperations.FixedTimeEquals(stored.Hash, Secrets.Hash(request.SetupToken!)))
        {
            Log.WrongSetupToken(loggers.CreateLogger(typeof(SetupApi)), Caller.Source(context));
            return ApiProblems.Unauthorized("The setup token is wrong; use the one the controller wrote to its log at its last start.");
        }

        // Only unconfirmed admins from an earlier attempt can exist now (no one could sign in to
        // create others): this attempt replaces them.
        db.Users.RemoveRange(await db.Users.ToListAsync(cancellationToken));
        var now = time.GetUtcNow();
        var admin = new UserEntity
        {
            Name = name!.Value,
            NormalizedName = name.Value.ToLowerInvariant(),
            Email = request.Email!,
            IsAdmin = true,
            PasswordHash = passwords.Hash(request.Password!),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var enrolment = mfa.Start(admin);
        db.Users.Add(admin);
        audit.Record("setup", Caller.Source(context), "setup.start", $"user {admin.Name}", null, UserView.From(admin, null));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(enrolment);
    }

    public static async Task<Results<Ok<SetupConfirmResponse>, ValidationProblem, ProblemHttpResult>> ConfirmAsync(
        SetupConfirmRequest request,
        HttpContext context,
        ControllerDbContext db,
        Mfa mfa,
        LoginThrottle throttle,
        AuditLog audit,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("name", request.Name);
        errors.Require("code", request.Code);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (await IsCompleteAsync(db, cancellationToken))
        {
            return ApiProblems.Conflict("Setup is already complete; sign in instead.");
        }

        // Codes are six digits: without a throttle they could be guessed.
        var source = Caller.Source(context);
        string[] keys = [LoginThrottle.AddressKey(source)];
        if (await throttle.LockedUntilAsync(keys, cancellationToken) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many wrong codes from this address; try again later.");
        }

        var normalized = request.Name!.ToLowerInvariant();
        var admin = await db.Users.FirstOrDefaultAsync(u => u.NormalizedName == normalized && u.IsAdmin, cancellationToken);
        if (admin is null || !await mfa.VerifyAsync(admin, request.Code, cancellationToken))
        {
            await throttle.RecordFailureAsync(keys, cancellationToken);
            return ApiProblems.Unauthorized("The name or code is wrong.");
        }

        var before = UserView.From(admin, null);
        admin.MfaEnrolled = true;
        db.SetupTokens.RemoveRange(await db.SetupTokens.ToListAsync(cancellationToken));
        audit.Record(admin.Name, source, "setup.complete", $"user {admin.Name}", before, UserView.From(admin, null));
        await db.SaveChangesAsync(cancellationToken);
        Log.SetupComplete(Logger(context), admin.Name);
        return TypedResults.Ok(new SetupConfirmResponse(admin.Name, true));
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SetupApi));

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.WrongSetupToken, LogLevel.Warning, "Setup attempt from {Source} with a wrong setup token.")]
        public static partial void WrongSetupToken(ILogger logger, string source);

        [LoggerMessage(ControllerEventIds.SetupComplete, LogLevel.Information, "Setup complete: {Admin} is the first admin.")]
        public static partial void SetupComplete(ILogger logger, string admin);
    }
}
