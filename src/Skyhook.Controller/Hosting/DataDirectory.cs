namespace Skyhook.Controller.Hosting;

internal static class DataDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> readable by its owner only; an existing folder is left as it is.</summary>
    public static string Ensure(string path)
    {
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, OwnerOnly);
        }

        return path;
    }
}
