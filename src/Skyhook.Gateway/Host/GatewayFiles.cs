using System.Text;

namespace Skyhook.Gateway.Host;

/// <summary>
/// The data directory's layout and its one way of writing: a temporary file in the same folder,
/// flushed, given its mode before any content lands, then renamed over the old one, so a crash
/// leaves either the old file or the new one, never half of one.
/// </summary>
public sealed class GatewayFiles(string dataDirectory)
{
    public const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode Public = Secret | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    /// <summary>The bearer credential (0600).</summary>
    public string Credential => Path.Combine(DataDirectory, "credential");

    /// <summary>The OpenVPN server's private key (0600); it never leaves this host.</summary>
    public string PrivateKey => Path.Combine(DataDirectory, "server.key");

    public string Certificate => Path.Combine(DataDirectory, "server.crt");

    public string CaCertificate => Path.Combine(DataDirectory, "ca.crt");

    /// <summary>The controller's URL and fingerprint, and this gateway's name and group (JSON).</summary>
    public string Enrolment => Path.Combine(DataDirectory, "enrolment.json");

    /// <summary>The last desired state that validated and applied (JSON).</summary>
    public string DesiredStateCache => Path.Combine(DataDirectory, "desired-state.json");

    /// <summary>The rendered OpenVPN server config and status file.</summary>
    public string OpenVpnDirectory => Path.Combine(DataDirectory, "openvpn");

    public bool IsEnrolled => File.Exists(Enrolment) && File.Exists(Credential);

    public void EnsureDirectory()
    {
        Directory.CreateDirectory(DataDirectory, PrivateDirectory);
        File.SetUnixFileMode(DataDirectory, PrivateDirectory);
    }

    public static void WriteAtomically(string path, string content, UnixFileMode mode)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("n")[..8] + ".tmp");
        try
        {
            // The mode is set at creation: a secret is never readable by others, not even for a moment.
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = mode,
            }))
            {
                stream.Write(new UTF8Encoding(false).GetBytes(content));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
