using Skyhook.Lab.Engines;
using Skyhook.Lab.Topology;
using Skyhook.Linux;

namespace Skyhook.Lab.Images;

/// <summary>
/// The lab's one image, built without a registry (none is reachable here): a static busybox with
/// every applet linked, and /serve, imported into one engine and saved to an archive that every
/// other engine loads, so that all of them hold the same image id.
/// </summary>
public sealed class LabImage(HostTools tools, ProcessRunner runner, DockerEngines engines)
{
    public async Task EnsureArchiveAsync(LabLayout layout, EngineLayout builder, CancellationToken cancellationToken)
    {
        if (File.Exists(layout.ImageArchive))
        {
            await EnsureLoadedAsync(layout, builder, cancellationToken);
            return;
        }
        var root = Path.Combine(layout.StateDirectory, "image-root");
        var rootArchive = Path.Combine(layout.StateDirectory, "image-root.tar");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        foreach (var directory in new[] { "bin", "www", "tmp", "etc", "proc", "sys", "dev", "root" })
        {
            Directory.CreateDirectory(Path.Combine(root, directory));
        }
        File.Copy(tools.Busybox, Path.Combine(root, "bin", "busybox"));
        var applets = await runner.RunAsync(tools.Busybox, ["--list"], cancellationToken);
        foreach (var applet in applets.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "busybox");
            }
        }
        // dropbear and its client with the shared libraries they load, so that tests can ssh into a
        // container as the seed's verification step does (busybox has no ssh server).
        foreach (var program in new[] { tools.Dropbear, tools.DropbearClient })
        {
            await CopyWithLibrariesAsync(program, root, cancellationToken);
        }
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "group"), "root:x:0:\n", cancellationToken);

        var serve = Path.Combine(root, "serve");
        await using (var resource = typeof(LabImage).Assembly.GetManifestResourceStream("Skyhook.Lab.Images.serve.sh")
            ?? throw new InvalidOperationException("the serve script is not embedded"))
        await using (var file = File.Create(serve))
        {
            await resource.CopyToAsync(file, cancellationToken);
        }
        File.SetUnixFileMode(serve, (UnixFileMode)0b111_101_101);

        await runner.RunAsync(tools.Tar, ["-C", root, "-cf", rootArchive, "."], cancellationToken);
        await engines.DockerAsync(
            builder,
            ["import", "--change", "CMD [\"/serve\"]", "--change", "ENV PATH=/usr/sbin:/usr/bin:/bin", rootArchive, LabLayout.ImageName],
            cancellationToken);
        await engines.DockerAsync(builder, ["save", "-o", layout.ImageArchive + ".part", LabLayout.ImageName], cancellationToken);
        File.Move(layout.ImageArchive + ".part", layout.ImageArchive, overwrite: true);
        File.Delete(rootArchive);
        Directory.Delete(root, recursive: true);
    }

    /// <summary>Copies <paramref name="program"/> and every library `ldd` names for it to the same paths under <paramref name="root"/>.</summary>
    private async Task CopyWithLibrariesAsync(string program, string root, CancellationToken cancellationToken)
    {
        var ldd = await runner.RunAsync(tools.Ldd, [program], cancellationToken);
        var files = ldd.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(line => line.Split(' ').Where(word => word.StartsWith('/')))
            .Prepend(program)
            .Distinct(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var target = Path.Combine(root, file.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // Resolve links: the image gets the file itself under the name the program asks for.
            File.Copy(new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file, target, overwrite: true);
        }
    }

    /// <summary>Loads the archive into <paramref name="engine"/> unless it already has the image.</summary>
    public async Task EnsureLoadedAsync(LabLayout layout, EngineLayout engine, CancellationToken cancellationToken)
    {
        var present = await engines.DockerAsync(engine, ["image", "inspect", LabLayout.ImageName], [], checkExitCode: false, cancellationToken);
        if (!present.Succeeded)
        {
            await engines.DockerAsync(engine, ["load", "-i", layout.ImageArchive], cancellationToken);
        }
    }
}
