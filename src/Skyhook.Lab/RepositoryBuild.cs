namespace Skyhook.Lab;

/// <summary>
/// The controller and gateway built in this repository (Release), which the lab starts as real
/// processes. Skyhook.Lab must not reference those projects: it runs what `dotnet build` made.
/// </summary>
public static class RepositoryBuild
{
    public const string BuildCommand = "dotnet build Skyhook.slnx -c Release";

    /// <summary>The repository above the running program (the CLI or a test assembly), found by its Skyhook.slnx.</summary>
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Skyhook.slnx")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName
                ?? throw new LabException("the controller and gateway are started from a build in the Skyhook repository; none was found above " + AppContext.BaseDirectory);
        }
    }

    public static string ControllerDll => Path.Combine(Root, "src/Skyhook.Controller/bin/Release/net10.0/skyhook-controller.dll");

    public static string GatewayDll => Path.Combine(Root, "src/Skyhook.Gateway/bin/Release/net10.0/skyhook-gateway.dll");

    /// <summary>Why the builds the demo runs are not there (one message naming the command that makes them), or null.</summary>
    public static string? WhyMissing()
    {
        try
        {
            var missing = new[] { ControllerDll, GatewayDll }.Where(path => !File.Exists(path)).ToList();
            return missing.Count == 0 ? null : $"not built: {string.Join(", ", missing)} (run `{BuildCommand}` first)";
        }
        catch (LabException ex)
        {
            return ex.Message;
        }
    }
}
