using System.ComponentModel.DataAnnotations;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// Bounds on what the management parser keeps in memory. OpenVPN is trusted, but ENV values come
/// from clients (user name, password, IV_* peer info), so nothing they send may grow without limit.
/// </summary>
public sealed class ManagementLimits
{
    /// <summary>Longest accepted line in bytes (without its line ending); longer lines are refused. Default 8192.</summary>
    [Range(256, 1024 * 1024)]
    public int MaxLineLength { get; init; } = 8192;

    /// <summary>Most variables in one ENV block; a bigger block is refused. Default 256.</summary>
    [Range(1, 65536)]
    public int MaxEnvironmentEntries { get; init; } = 256;

    /// <summary>Most characters (names and values) in one ENV block; a bigger block is refused. Default 65536.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxEnvironmentCharacters { get; init; } = 64 * 1024;

    /// <summary>
    /// Most lines in one multi-line command reply (<c>status</c>: about two per client plus a few);
    /// a longer reply is read to its END and refused. Default 262144.
    /// </summary>
    [Range(16, 16 * 1024 * 1024)]
    public int MaxReplyLines { get; init; } = 256 * 1024;

    /// <summary>Most characters in one multi-line command reply; a bigger reply is read to its END and refused. Default 33554432 (32 Mi).</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxReplyCharacters { get; init; } = 32 * 1024 * 1024;
}
