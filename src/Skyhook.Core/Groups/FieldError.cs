namespace Skyhook.Core.Groups;

/// <summary>One problem with one field of admin input: the API turns these into a validation problem.</summary>
/// <param name="Field">The field's path as the API names it, e.g. "overlays[0].subnet".</param>
public sealed record FieldError(string Field, string Message);
