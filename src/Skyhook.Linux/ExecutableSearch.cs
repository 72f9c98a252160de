namespace Skyhook.Linux;

/// <summary>Finds programs the way a shell would, on PATH, without running a shell.</summary>
public static class ExecutableSearch
{
    /// <summary>The full path of <paramref name="name"/> on <paramref name="path"/> (default: this process's PATH), or null.</summary>
    public static string? Find(string name, string? path = null)
    {
        if (name.Contains('/'))
        {
            return File.Exists(name) ? name : null;
        }
        path ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & UnixFileMode.UserExecute) != 0)
            {
                return candidate;
            }
        }
        return null;
    }
}
