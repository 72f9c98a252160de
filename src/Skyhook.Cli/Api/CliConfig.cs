using System.Text.Json;

namespace Skyhook.Cli.Api;

/// <summary>
/// Where `skyhook login` keeps the controller's address and the API token: ~/.config/skyhook/cli.json
/// (or $SKYHOOK_CONFIG), readable by its owner only. SKYHOOK_CONTROLLER and SKYHOOK_TOKEN override it.
/// </summary>
public sealed record CliConfig(string? Controller, string? Token)
{
    public static string Path => Environment.GetEnvironmentVariable("SKYHOOK_CONFIG") is { Length: > 0 } path
        ? path
        : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "skyhook", "cli.json");

    public static CliConfig Load()
    {
        var stored = File.Exists(Path) ? JsonSerializer.Deserialize<CliConfig>(File.ReadAllText(Path)) : null;
        return new CliConfig(
            Environment.GetEnvironmentVariable("SKYHOOK_CONTROLLER") is { Length: > 0 } controller ? controller : stored?.Controller,
            Environment.GetEnvironmentVariable("SKYHOOK_TOKEN") is { Length: > 0 } token ? token : stored?.Token);
    }

    public void Save()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        // Created with owner-only permissions before the token is written into it.
        using (File.Create(Path, 1, FileOptions.None))
        {
        }
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path, JsonSerializer.Serialize(this));
    }

    public override string ToString() => $"CliConfig {{ Controller = {Controller}, Token = *** }}";
}
