namespace Skyhook.Controller.Problems;

/// <summary>
/// What a controller service answers: the value and, for a stored row, its version (the API's
/// ETag, the console's hidden field), or a <see cref="Failure"/>. Nothing was changed when it failed.
/// </summary>
public readonly record struct Outcome<T>(T? Value, long? Version, Failure? Failure)
{
    public bool Succeeded => Failure is null;

    public static implicit operator Outcome<T>(Failure failure) => new(default, null, failure);
}

public static class Outcome
{
    public static Outcome<T> Ok<T>(T value, long? version = null) => new(value, version, null);
}
