using System.ComponentModel.DataAnnotations;

namespace Skyhook.Controller.Events.Export;

/// <summary>The events sent to a syslog receiver as RFC 5424 over TCP (section <c>Events:Syslog</c>).</summary>
public sealed class SyslogExportOptions : IValidatableObject
{
    public const string Section = "Events:Syslog";

    /// <summary>Default false: nothing is sent anywhere until an admin sets a receiver.</summary>
    public bool Enabled { get; set; }

    /// <summary>The receiver's host name or address; required when <see cref="Enabled"/>.</summary>
    public string? Host { get; set; }

    /// <summary>The receiver's TCP port. Default: 6514 with <see cref="Tls"/> (RFC 5425), 514 without.</summary>
    public int? Port { get; set; }

    /// <summary>
    /// Default false. Security: without TLS the events (user names, addresses, names looked up, paths
    /// requested) cross the network in clear; use it whenever the receiver is not on this host.
    /// </summary>
    public bool Tls { get; set; }

    /// <summary>
    /// With <see cref="Tls"/>: a PEM file of the CA(s) that issued the receiver's certificate, trusted
    /// instead of the system's CAs. Default: none, the system's trust store. The certificate must also
    /// name <see cref="ServerName"/>.
    /// </summary>
    public string? CaCertificate { get; set; }

    /// <summary>
    /// With <see cref="Tls"/>: the SHA-256 fingerprint of the receiver's certificate (64 hex digits,
    /// colons and a <c>sha256:</c> prefix allowed). When set, exactly that certificate is accepted,
    /// whoever issued it and whatever it names (for a self-signed receiver). Default: none.
    /// </summary>
    public string? Fingerprint { get; set; }

    /// <summary>With <see cref="Tls"/>: the name the receiver's certificate must carry (and the SNI sent). Default: <see cref="Host"/>.</summary>
    public string? ServerName { get; set; }

    /// <summary>The syslog facility, by name (<c>local0</c> ... <c>local7</c>, <c>auth</c>, ...) or number 0-23. Default <c>local0</c> (16).</summary>
    public string Facility { get; set; } = "local0";

    /// <summary>Where to start without a cursor: <c>beginning</c> (default: every event the store holds) or <c>end</c>.</summary>
    public string StartAt { get; set; } = ExportStart.Beginning;

    public int EffectivePort => Port ?? (Tls ? 6514 : 514);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Host))
        {
            yield return new ValidationResult("Events:Syslog:Host is required when Events:Syslog:Enabled is true.", [nameof(Host)]);
        }

        if (Port is < 1 or > 65535)
        {
            yield return new ValidationResult($"Events:Syslog:Port must be 1-65535 (not {Port}).", [nameof(Port)]);
        }

        if (SyslogFacilities.Parse(Facility) is null)
        {
            yield return new ValidationResult(
                $"Events:Syslog:Facility '{Facility}' is not a syslog facility: a name such as local0 or a number 0-23.", [nameof(Facility)]);
        }

        if (!ExportStart.IsValid(StartAt))
        {
            yield return new ValidationResult($"Events:Syslog:StartAt must be '{ExportStart.Beginning}' or '{ExportStart.End}'.", [nameof(StartAt)]);
        }

        if (!Tls && (CaCertificate is not null || Fingerprint is not null || ServerName is not null))
        {
            yield return new ValidationResult(
                "Events:Syslog:CaCertificate, Fingerprint and ServerName apply only with Events:Syslog:Tls true.", [nameof(Tls)]);
        }

        if (CaCertificate is not null && !File.Exists(CaCertificate))
        {
            yield return new ValidationResult($"Events:Syslog:CaCertificate: no file at '{CaCertificate}'.", [nameof(CaCertificate)]);
        }

        if (Fingerprint is not null && CertificatePin.Normalize(Fingerprint) is null)
        {
            yield return new ValidationResult(
                "Events:Syslog:Fingerprint must be a SHA-256 fingerprint: 64 hex digits (colons and a 'sha256:' prefix allowed).", [nameof(Fingerprint)]);
        }
    }
}
