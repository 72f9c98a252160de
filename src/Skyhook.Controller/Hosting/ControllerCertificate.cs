using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Skyhook.Controller.Hosting;

/// <summary>
/// The certificate the controller serves HTTPS with: the configured one, or a self-signed ECDSA
/// P-256 certificate generated on first use into <c>DATA/tls/</c> (key mode 0600) and reused after.
/// Gateways pin its SHA-256 fingerprint, shown in the join command.
/// </summary>
public sealed partial class ControllerCertificate
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(3650);

    private readonly Lazy<X509Certificate2> _certificate;

    public ControllerCertificate(IOptions<ControllerOptions> options, TimeProvider time, ILogger<ControllerCertificate> logger) =>
        _certificate = new(() => Load(options.Value, time, logger), LazyThreadSafetyMode.ExecutionAndPublication);

    public X509Certificate2 Certificate => _certificate.Value;

    /// <summary><c>sha256:</c> and the lowercase hex SHA-256 of the certificate (DER).</summary>
    public string Fingerprint => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Certificate.RawData));

    private static X509Certificate2 Load(ControllerOptions options, TimeProvider time, ILogger logger)
    {
        if (!string.IsNullOrEmpty(options.TlsCertificatePath))
        {
            return X509Certificate2.CreateFromPemFile(options.TlsCertificatePath, options.TlsKeyPath);
        }

        var folder = DataDirectory.Ensure(Path.Combine(DataDirectory.Ensure(options.DataDirectory), "tls"));
        var certificatePath = Path.Combine(folder, "controller.crt");
        var keyPath = Path.Combine(folder, "controller.key");
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            Generate(certificatePath, keyPath, time);
            var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            Log.Generated(logger, certificatePath, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)));
            return certificate;
        }

        return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
    }

    internal static void Generate(string certificatePath, string keyPath, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=skyhook-controller, O=Skyhook", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName(Dns.GetHostName());
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "serverAuth")], false));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + Validity);

        // The key is written first and readable by the owner only from the moment it exists.
        File.Delete(keyPath);
        using (var stream = new FileStream(keyPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        }

        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
    }

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.TlsCertificateGenerated, LogLevel.Information, "Generated the controller's self-signed TLS certificate {Path} with fingerprint {Fingerprint}.")]
        public static partial void Generated(ILogger logger, string path, string fingerprint);
    }
}
