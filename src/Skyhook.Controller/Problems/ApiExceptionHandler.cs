using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Hosting;

namespace Skyhook.Controller.Problems;

/// <summary>
/// Turns the exceptions that bad input or a lost race cause into 4xx problem details; anything else
/// stays a 500 without details. Nothing is written by then: each request saves once, at its end.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, errors) = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } =>
                (StatusCodes.Status400BadRequest, "The request body is not valid JSON for this request.", JsonErrors(json)),
            BadHttpRequestException bad =>
                (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is too large."
                    : "The request is malformed.", BodyError(bad)),
            DbUpdateConcurrencyException =>
                (StatusCodes.Status412PreconditionFailed, "Someone else changed this resource since it was read; read it again and retry.", null),
            DbUpdateException =>
                (StatusCodes.Status409Conflict, "The change conflicts with an existing resource.", null),
            _ => (0, null, null),
        };
        if (status == 0)
        {
            return false;
        }

        Log.RequestRefused(logger, status, exception.GetType().Name);
        httpContext.Response.StatusCode = status;
        var details = errors is null
            ? new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title }
            : new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(errors) { Status = status, Title = title };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    private static Dictionary<string, string[]> JsonErrors(JsonException json)
    {
        // The path names the field ("$.rules[0].action"); the message would name .NET types, so a
        // plain sentence replaces it.
        var field = json.Path is null or "$" ? "body" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path;
        var message = json.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? "This field is unknown."
            : json.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)
                ? "This field is given more than once."
                : json.Path is null or "$" ? "The body is not a JSON object of the expected shape." : "The value has the wrong type or is malformed.";
        return new() { [field] = [message] };
    }

    private static Dictionary<string, string[]>? BodyError(BadHttpRequestException bad) =>
        bad.StatusCode == StatusCodes.Status413PayloadTooLarge || bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? new() { ["body"] = [bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The body exceeds the size limit." : "A JSON body is required."] }
            : null;

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.RequestRefused, LogLevel.Information, "Request refused with {Status}: {Reason}.")]
        public static partial void RequestRefused(ILogger logger, int status, string reason);
    }
}
