using Microsoft.AspNetCore.Http.HttpResults;

namespace Skyhook.Controller.Problems;

/// <summary>The problem responses the API uses besides validation problems.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} does not exist.");

    public static ProblemHttpResult Conflict(string title) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title);

    public static ProblemHttpResult Unauthorized(string title) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: title);

    public static ProblemHttpResult PreconditionFailed() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: "The resource changed since it was read (If-Match does not match its ETag); read it again and retry.");

    public static ProblemHttpResult PreconditionRequired() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status428PreconditionRequired,
            title: "An If-Match header with the resource's ETag is required, so that concurrent changes are not overwritten.");
}
