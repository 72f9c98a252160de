using System.ComponentModel.DataAnnotations;

namespace Skyhook.Controller.Storage;

/// <summary>Which database holds the configuration (section <c>Storage</c>).</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>
    /// <c>sqlite</c> (default: a file <c>skyhook.db</c> in the data directory, nothing to install) or
    /// <c>postgres</c> (needs <see cref="ConnectionString"/>; the choice for several controller replicas).
    /// </summary>
    [Required]
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// For <c>postgres</c>, an Npgsql connection string (required). For <c>sqlite</c>, optional: it
    /// replaces the default file under the data directory. It may hold a password: it is never logged.
    /// </summary>
    public string? ConnectionString { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider is not (Sqlite or Postgres))
        {
            yield return new ValidationResult(
                $"Storage:Provider must be '{Sqlite}' or '{Postgres}'.", [nameof(Provider)]);
        }

        if (Provider == Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Storage:ConnectionString is required when Storage:Provider is 'postgres'.", [nameof(ConnectionString)]);
        }
    }
}
