using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Skyhook.Core.Pki;

/// <summary>
/// The controller's CA for the VPN: it signs each gateway's OpenVPN server certificate. Clients trust
/// it through the CA inlined in their profile and check `remote-cert-tls server`, so only a gateway
/// this controller enrolled can pose as one. Users authenticate with password and code, not certificates.
/// </summary>
public static class CertificateAuthority
{
    public static readonly TimeSpan CaValidity = TimeSpan.FromDays(3650);
    public static readonly TimeSpan ServerValidity = TimeSpan.FromDays(825);

    // Tolerates clocks a little behind ours.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>A new self-signed CA (ECDSA P-256, SHA-256).</summary>
    public static PemPair Create(string commonName, TimeProvider time)
    {
        RequireCommonName(commonName);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(DistinguishedName(commonName)), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now - Backdate, now + CaValidity);
        return new PemPair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// Signs a gateway's certificate signing request as an OpenVPN server certificate for
    /// <paramref name="commonName"/>. The subject and extensions are ours; the request only
    /// contributes its public key, after its signature proves the requester holds the private key.
    /// </summary>
    /// <exception cref="FormatException">The request is not a PEM certificate signing request, or its signature does not verify.</exception>
    public static string SignServer(PemPair ca, string signingRequestPem, string commonName, TimeProvider time)
    {
        RequireCommonName(commonName);
        CertificateRequest submitted;
        try
        {
            submitted = CertificateRequest.LoadSigningRequestPem(
                signingRequestPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pss);
        }
        catch (CryptographicException ex)
        {
            throw new FormatException("the certificate signing request is not a valid PEM CSR with a verifiable signature", ex);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException("the certificate signing request is not a PEM CSR", ex);
        }

        using var issuer = X509Certificate2.CreateFromPem(ca.CertificatePem, ca.PrivateKeyPem);
        var request = new CertificateRequest(new X500DistinguishedName(DistinguishedName(commonName)), submitted.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "serverAuth")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var now = time.GetUtcNow();
        var notAfter = now + ServerValidity < issuer.NotAfter ? now + ServerValidity : new DateTimeOffset(issuer.NotAfter.ToUniversalTime());
        using var certificate = request.Create(issuer, now - Backdate, notAfter, RandomNumberGenerator.GetBytes(16));
        return certificate.ExportCertificatePem();
    }

    /// <summary>A gateway's side: a new key pair and a signing request for it. The key stays on the gateway.</summary>
    public static (string PrivateKeyPem, string SigningRequestPem) CreateServerRequest(string commonName)
    {
        RequireCommonName(commonName);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(DistinguishedName(commonName)), key, HashAlgorithmName.SHA256);
        return (key.ExportPkcs8PrivateKeyPem(), request.CreateSigningRequestPem());
    }

    // Names come from validated gateway and group names, but a distinguished name has its own
    // syntax: anything outside this set would be a way to smuggle in another attribute.
    private static void RequireCommonName(string commonName)
    {
        if (string.IsNullOrEmpty(commonName) || commonName.Length > 64
            || !commonName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or ' '))
        {
            throw new ArgumentException("a certificate name is 1 to 64 letters, digits, '-', '.', '_' or spaces", nameof(commonName));
        }
    }

    private static string DistinguishedName(string commonName) => "CN=" + commonName + ", O=Skyhook";
}
