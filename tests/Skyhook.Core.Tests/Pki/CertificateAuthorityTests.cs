using System.Security.Cryptography.X509Certificates;
using Skyhook.Core.Pki;

namespace Skyhook.Core.Tests.Pki;

public sealed class CertificateAuthorityTests
{
    private static readonly TimeProvider Time = TimeProvider.System;

    [Fact]
    public void SignServer_RequestFromGateway_ChainsToTheCaAsAServerCertificate()
    {
        var ca = CertificateAuthority.Create("Skyhook CA", Time);
        var (_, request) = CertificateAuthority.CreateServerRequest("whatever-the-gateway-asked");

        var pem = CertificateAuthority.SignServer(ca, request, "gw1", Time);

        using var server = X509Certificate2.CreateFromPem(pem);
        using var root = X509Certificate2.CreateFromPem(ca.CertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        Assert.True(chain.Build(server), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        // The subject is ours, not the requester's.
        Assert.Equal("CN=gw1, O=Skyhook", server.Subject);
        Assert.False(server.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    [Fact]
    public void SignServer_TwoRequests_GetDifferentSerials()
    {
        var ca = CertificateAuthority.Create("Skyhook CA", Time);

        using var first = X509Certificate2.CreateFromPem(CertificateAuthority.SignServer(ca, CertificateAuthority.CreateServerRequest("gw1").SigningRequestPem, "gw1", Time));
        using var second = X509Certificate2.CreateFromPem(CertificateAuthority.SignServer(ca, CertificateAuthority.CreateServerRequest("gw2").SigningRequestPem, "gw2", Time));

        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
    }

    [Fact]
    public void SignServer_RequestWithBrokenSignature_IsRefused()
    {
        var ca = CertificateAuthority.Create("Skyhook CA", Time);
        var request = CertificateAuthority.CreateServerRequest("gw1").SigningRequestPem;
        var body = request.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).ToArray();
        var der = Convert.FromBase64String(string.Concat(body));
        der[^3] ^= 0x55; // inside the signature
        var tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + Convert.ToBase64String(der) + "\n-----END CERTIFICATE REQUEST-----\n";

        var ex = Assert.Throws<FormatException>(() => CertificateAuthority.SignServer(ca, tampered, "gw1", Time));
        Assert.Contains("signing request", ex.Message);
    }

    [Theory]
    [InlineData("not a csr")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")]
    public void SignServer_Garbage_IsAFormatError(string request)
    {
        var ca = CertificateAuthority.Create("Skyhook CA", Time);

        Assert.Throws<FormatException>(() => CertificateAuthority.SignServer(ca, request, "gw1", Time));
    }

    [Theory]
    [InlineData("gw1, CN=evil")]
    [InlineData("gw1\nO=x")]
    [InlineData("")]
    public void SignServer_NameThatCouldAddAttributes_IsRefused(string name)
    {
        var ca = CertificateAuthority.Create("Skyhook CA", Time);
        var request = CertificateAuthority.CreateServerRequest("gw1").SigningRequestPem;

        Assert.Throws<ArgumentException>(() => CertificateAuthority.SignServer(ca, request, name, Time));
    }

    [Fact]
    public void Create_Ca_IsACaValidForTenYearsAndHidesItsKeyWhenPrinted()
    {
        var ca = CertificateAuthority.Create("Skyhook CA", Time);

        using var certificate = X509Certificate2.CreateFromPem(ca.CertificatePem);
        Assert.True(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.InRange(certificate.NotAfter - certificate.NotBefore, TimeSpan.FromDays(3649), TimeSpan.FromDays(3651));
        Assert.DoesNotContain("PRIVATE KEY", ca.ToString());
    }
}
