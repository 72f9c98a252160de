using System.ComponentModel.DataAnnotations;

namespace Skyhook.Controller.Events.Export;

/// <summary>The events appended to a file as JSON lines, for a log shipper to pick up (section <c>Events:JsonLines</c>).</summary>
public sealed class JsonLinesExportOptions : IValidatableObject
{
    public const string Section = "Events:JsonLines";

    /// <summary>
    /// The file (absolute path); its folder is created. Default: none, no file. Security: the file
    /// holds what users did; it is created with mode 0640 for a shipper in the controller's group.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Where to start without a cursor: <c>beginning</c> (default: every event the store holds) or <c>end</c>.</summary>
    public string StartAt { get; set; } = ExportStart.Beginning;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Path is null)
        {
            yield break;
        }

        if (!System.IO.Path.IsPathFullyQualified(Path) || Path.EndsWith('/'))
        {
            yield return new ValidationResult($"Events:JsonLines:Path must be the absolute path of a file (not '{Path}').", [nameof(Path)]);
        }
        else if (Directory.Exists(Path))
        {
            yield return new ValidationResult($"Events:JsonLines:Path '{Path}' is a folder; give a file in it.", [nameof(Path)]);
        }

        if (!ExportStart.IsValid(StartAt))
        {
            yield return new ValidationResult($"Events:JsonLines:StartAt must be '{ExportStart.Beginning}' or '{ExportStart.End}'.", [nameof(StartAt)]);
        }
    }
}
