namespace Skyhook.Core.Pki;

/// <summary>A certificate and its private key, both PEM. The key is a secret: never log or return it.</summary>
public sealed record PemPair(string CertificatePem, string PrivateKeyPem)
{
    public override string ToString() => "PemPair { CertificatePem = ..., PrivateKeyPem = *** }";
}
