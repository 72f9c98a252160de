using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Skyhook.Controller.Problems;

/// <summary>ETag / If-Match over a row's version (<see cref="Storage.IVersioned"/>).</summary>
public static class ETags
{
    public static string For(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    public static void Set(HttpContext context, long version) => context.Response.Headers.ETag = For(version);

    /// <summary>
    /// Null when the request may go on: If-Match equals the current ETag (or is <c>*</c>), or is
    /// absent and not <paramref name="required"/>. Otherwise 428 (missing) or 412 (stale).
    /// </summary>
    public static ProblemHttpResult? Check(HttpContext context, long version, bool required)
    {
        var ifMatch = context.Request.Headers.IfMatch;
        if (ifMatch.Count == 0)
        {
            return required ? ApiProblems.PreconditionRequired() : null;
        }

        var current = For(version);
        foreach (var value in ifMatch)
        {
            foreach (var tag in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (tag == "*" || string.Equals(tag, current, StringComparison.Ordinal))
                {
                    return null;
                }
            }
        }

        return ApiProblems.PreconditionFailed();
    }
}
