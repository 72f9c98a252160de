using System.Diagnostics.CodeAnalysis;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Problems;

/// <summary>
/// The version a change expects the row to have (optimistic concurrency): from the API's If-Match
/// header, or from the version a console form was rendered with.
/// </summary>
public sealed class IfMatch
{
    private readonly IReadOnlyList<string> _tags;
    private readonly bool _required;

    private IfMatch(IReadOnlyList<string> tags, bool required)
    {
        _tags = tags;
        _required = required;
    }

    /// <summary>No expectation: the change applies to whatever is stored.</summary>
    public static IfMatch Any { get; } = new([], required: false);

    /// <summary>The version a form was rendered with.</summary>
    public static IfMatch Version(long version) => new([ETags.For(version)], required: true);

    /// <summary>The request's If-Match header; when <paramref name="required"/>, a missing header is refused (428).</summary>
    public static IfMatch From(HttpContext context, bool required) => new(
        [.. context.Request.Headers.IfMatch.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))],
        required);

    /// <summary>
    /// True, with why, when the change must not go on: the row does not exist
    /// (<paramref name="notFound"/>) or has another version than expected.
    /// </summary>
    public bool Refuses<T>([NotNullWhen(false)] T? row, Failure notFound, [NotNullWhen(true)] out Failure? failure)
        where T : class, IVersioned
    {
        failure = row is null ? notFound : Check(row.Version);
        return failure is not null;
    }

    /// <summary>Null when the change may go on: a tag equals the row's (or is <c>*</c>), or there is none and none is required.</summary>
    public Failure? Check(long version)
    {
        if (_tags.Count == 0)
        {
            return _required ? Failure.PreconditionRequired : null;
        }

        var current = ETags.For(version);
        return _tags.Any(tag => tag == "*" || string.Equals(tag, current, StringComparison.Ordinal)) ? null : Failure.PreconditionFailed;
    }
}
