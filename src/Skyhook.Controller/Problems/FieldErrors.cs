namespace Skyhook.Controller.Problems;

/// <summary>Collects one message per field and answers them together as a validation problem.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message) =>
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    /// <summary>Adds "required" when the value is null or empty; returns whether it was present.</summary>
    public bool Require(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            Add(field, "This field is required.");
            return false;
        }

        return true;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() => new Dictionary<string, string[]>(_errors, StringComparer.Ordinal);

    public Microsoft.AspNetCore.Http.HttpResults.ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem(_errors, title: "The request has invalid fields.");
}
