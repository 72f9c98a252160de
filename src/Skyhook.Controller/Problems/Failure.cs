namespace Skyhook.Controller.Problems;

/// <summary>
/// Why a controller service did not do what it was asked. The API answers it as problem details
/// (<see cref="OutcomeResults"/>); the console shows <see cref="Fields"/> beside their inputs and
/// <see cref="Title"/> at the top of the form. Messages never carry a secret.
/// </summary>
public sealed record Failure(FailureKind Kind, string Title, IReadOnlyDictionary<string, string[]>? Fields = null, TimeSpan? RetryAfter = null)
{
    public static Failure Invalid(FieldErrors errors) => new(FailureKind.Invalid, "The request has invalid fields.", errors.ToDictionary());

    /// <summary>One field is wrong: <paramref name="field"/> is the API's (camelCase) field name.</summary>
    public static Failure Invalid(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return Invalid(errors);
    }

    public static Failure NotFound(string what) => new(FailureKind.NotFound, $"{what} does not exist.");

    public static Failure Conflict(string title) => new(FailureKind.Conflict, title);

    public static Failure Unauthorized(string title) => new(FailureKind.Unauthorized, title);

    public static Failure TooManyRequests(string title, TimeSpan retryAfter) => new(FailureKind.TooManyRequests, title, RetryAfter: retryAfter);

    public static readonly Failure PreconditionFailed = new(
        FailureKind.PreconditionFailed,
        "The resource changed since it was read (If-Match does not match its ETag); read it again and retry.");

    public static readonly Failure PreconditionRequired = new(
        FailureKind.PreconditionRequired,
        "An If-Match header with the resource's ETag is required, so that concurrent changes are not overwritten.");
}

public enum FailureKind
{
    Invalid,
    NotFound,
    Conflict,
    Unauthorized,
    TooManyRequests,
    PreconditionFailed,
    PreconditionRequired,
}
