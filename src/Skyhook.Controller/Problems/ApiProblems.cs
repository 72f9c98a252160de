using Microsoft.AspNetCore.Http.HttpResults;

namespace Skyhook.Controller.Problems;

/// <summary>Problem responses for the handlers that answer without a service's <see cref="Failure"/> (sign-in, tokens, the gateway-facing API).</summary>
public static class ApiProblems
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} does not exist.");

    public static ProblemHttpResult Unauthorized(string title) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: title);
}
