namespace Skyhook.Linux;

/// <summary>One host command: a program and its argument array (never a shell string).</summary>
/// <param name="FileName">The program, by absolute path or by name on PATH.</param>
/// <param name="Arguments">Passed to the program as they are; no shell ever sees them.</param>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>How long the command may run before it is killed. Default 60 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Text written to the program's standard input, then closed. Default: none.</summary>
    public string? StandardInput { get; init; }

    /// <summary>When true (the default) a non-zero exit code throws <see cref="ProcessFailedException"/>.</summary>
    public bool CheckExitCode { get; init; } = true;

    /// <summary>Extra environment variables for the child.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Values (tokens, passwords) that must never reach a log or an exception message: they are
    /// replaced by *** wherever this command is described.
    /// </summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>The command line as it may be logged: arguments quoted, secrets masked.</summary>
    public string Describe() => Redact(string.Join(' ', [FileName, .. Arguments.Select(Quote)]));

    /// <summary>Masks every secret of this command in <paramref name="text"/>.</summary>
    public string Redact(string text)
    {
        foreach (var secret in Secrets)
        {
            if (secret.Length > 0)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }
        return text;
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@+%".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
