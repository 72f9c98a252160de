using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Tests.Sync;

namespace Skyhook.Gateway.Tests.Host;

public sealed class ControllerEndpointTests
{
    private static readonly string SomeFingerprint = "sha256:" + new string('a', 64);

    internal static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel needs the key in a form it can use on Linux: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    internal static string FingerprintOf(X509Certificate2 certificate) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    [InlineData("https://controller.example:8443")]
    public void TryCreate_HttpsOrLoopbackHttp_Accepted(string url)
    {
        Assert.True(ControllerEndpoint.TryCreate(url, SomeFingerprint, allowInsecureHttp: false, out var endpoint, out var error), error);
        Assert.EndsWith("/", endpoint.BaseAddress.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_HttpToAnotherHost_RefusedUnlessInsecureAllowed()
    {
        Assert.False(ControllerEndpoint.TryCreate("http://172.31.0.1:8080", SomeFingerprint, false, out _, out var error));
        Assert.Contains("--insecure-http", error, StringComparison.Ordinal);
        Assert.True(ControllerEndpoint.TryCreate("http://172.31.0.1:8080", SomeFingerprint, true, out _, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha1:abcd")]
    [InlineData("sha256:abcd")]
    [InlineData("sha256:zz00000000000000000000000000000000000000000000000000000000000000")]
    public void TryCreate_BadFingerprint_Refused(string? fingerprint)
    {
        Assert.False(ControllerEndpoint.TryCreate("https://c.example", fingerprint, false, out _, out var error));
        Assert.Contains("fingerprint", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseFingerprint_ColonSeparatedUppercase_SameBytes()
    {
        var hex = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var colons = string.Join(':', Enumerable.Range(0, 32).Select(i => hex.Substring(i * 2, 2)));
        Assert.True(ControllerEndpoint.TryParseFingerprint("SHA256:" + colons, out var a));
        Assert.True(ControllerEndpoint.TryParseFingerprint("sha256:" + hex.ToLowerInvariant(), out var b));
        Assert.Equal(a, b);
    }

    [Fact]
    public void TryCreate_QueryOrCredentialsInUrl_Refused()
    {
        Assert.False(ControllerEndpoint.TryCreate("https://user:pw@c.example", SomeFingerprint, false, out _, out _));
        Assert.False(ControllerEndpoint.TryCreate("https://c.example/?x=1", SomeFingerprint, false, out _, out _));
        Assert.False(ControllerEndpoint.TryCreate("ftp://c.example", SomeFingerprint, false, out _, out _));
    }

    [Fact]
    public async Task Call_TlsServerWithPinnedCertificate_AcceptedWithContractHeader()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificate = SelfSigned("controller");
        await using var server = await FakeController.StartAsync(certificate, ct);
        Assert.True(ControllerEndpoint.TryCreate(server.Url, FingerprintOf(certificate), false, out var endpoint, out var error), error);
        using var api = new ControllerApi(endpoint, "skyhook_gw_test", TimeSpan.FromSeconds(10));

        var state = await api.GetConfigAsync(null, TimeSpan.FromSeconds(10), ct);

        Assert.Null(state); // the fake's 304: what matters is that TLS with the self-signed certificate was accepted
        Assert.Equal(ContractVersion.Current.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(server.ContractHeaders));
    }

    [Fact]
    public async Task Call_TlsServerWithAnotherCertificate_RefusedBeforeAnyRequest()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificate = SelfSigned("impostor");
        using var pinned = SelfSigned("controller");
        await using var server = await FakeController.StartAsync(certificate, ct);
        Assert.True(ControllerEndpoint.TryCreate(server.Url, FingerprintOf(pinned), false, out var endpoint, out _));
        using var api = new ControllerApi(endpoint, "skyhook_gw_test", TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<ControllerApiException>(() => api.SendHeartbeatAsync(new Heartbeat(1, "", null, 0, null), ct));

        Assert.True(error.Unreachable);
        Assert.Contains(FingerprintOf(pinned), error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Heartbeats);
        Assert.Empty(server.ContractHeaders);
    }
}
