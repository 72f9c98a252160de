using System.ComponentModel.DataAnnotations;

namespace Skyhook.Controller.Hosting;

/// <summary>Where the controller keeps its state and how much it accepts per request (section <c>Controller</c>).</summary>
public sealed class ControllerOptions
{
    public const string Section = "Controller";

    /// <summary>
    /// Holds the SQLite database and the Data Protection keys that encrypt TOTP secrets. Default
    /// <c>/var/lib/skyhook-controller</c>. Security: whoever can read this folder can decrypt every
    /// TOTP secret; it is created with mode 0700.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "/var/lib/skyhook-controller";

    /// <summary>
    /// The largest request body accepted, in bytes; larger ones get 413. Default 1 MiB, far above any
    /// real request, so that a huge body cannot tie up memory.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The URL gateways use to reach this controller, printed in the join command. Default: none,
    /// the scheme and host of the request that added the gateway. Set it when the controller sits
    /// behind a reverse proxy or is reached under another name.
    /// </summary>
    [Url]
    public string? PublicUrl { get; set; }

    /// <summary>
    /// The TLS certificate (PEM) served on https URLs, with <see cref="TlsKeyPath"/>. Default: none,
    /// a self-signed ECDSA certificate generated on first start into <c>DATA/tls/</c> (key mode 0600);
    /// gateways pin its fingerprint from the join command, so no public CA is needed.
    /// </summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>The private key (PEM) of <see cref="TlsCertificatePath"/>. Security: keep it readable by the controller only.</summary>
    public string? TlsKeyPath { get; set; }
}
