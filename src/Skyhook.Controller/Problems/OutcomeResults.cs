using Microsoft.AspNetCore.Http.HttpResults;

namespace Skyhook.Controller.Problems;

/// <summary>Answers a service's <see cref="Outcome{T}"/> in the API's terms: the ETag, or problem details.</summary>
public static class OutcomeResults
{
    public static Results<TOk, ValidationProblem, ProblemHttpResult> ToResult<T, TOk>(this Outcome<T> outcome, HttpContext context, Func<T, TOk> ok)
        where TOk : IResult
    {
        if (outcome.Failure is { } failure)
        {
            return failure.Kind == FailureKind.Invalid ? failure.ToValidationProblem() : failure.ToProblem(context);
        }

        if (outcome.Version is { } version)
        {
            ETags.Set(context, version);
        }

        return ok(outcome.Value!);
    }

    public static ValidationProblem ToValidationProblem(this Failure failure) =>
        TypedResults.ValidationProblem(failure.Fields ?? new Dictionary<string, string[]>(), title: failure.Title);

    public static ProblemHttpResult ToProblem(this Failure failure, HttpContext context)
    {
        if (failure.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(statusCode: StatusCode(failure.Kind), title: failure.Title);
    }

    public static int StatusCode(FailureKind kind) => kind switch
    {
        FailureKind.Invalid => StatusCodes.Status400BadRequest,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.Unauthorized => StatusCodes.Status401Unauthorized,
        FailureKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        FailureKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        FailureKind.PreconditionRequired => StatusCodes.Status428PreconditionRequired,
        _ => StatusCodes.Status500InternalServerError,
    };
}
