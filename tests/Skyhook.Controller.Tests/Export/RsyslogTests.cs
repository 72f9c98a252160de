using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Skyhook.Controller.Events;
using Skyhook.Controller.Events.Export;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Tests.Export;

/// <summary>The syslog sink against a real rsyslogd: it must parse every message as RFC 5424 with the same fields the formatter meant.</summary>
public sealed class RsyslogTests : IDisposable
{
    private static readonly SyslogFormatter Formatter = new(16, "ctl1");
    private readonly string _folder = Directory.CreateTempSubdirectory("skyhook-rsyslog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The samples of every kind, and events whose fields carry what the network may send.</summary>
    private static IReadOnlyList<StoredEvent> Events() =>
    [
        .. SampleEvents.All,
        new(8, "gw1", SampleEvents.Web.Event with { Path = "/a\"b\\c]d[e=f\r\nSet-Cookie: x=1\0end", Name = "host\twith tab" }),
        new(9, "gw1", SampleEvents.Dns.Event with { Name = "日本.example.\u0085ü😀", Answer = "]\"\\" }),
        new(10, "gw1", SampleEvents.Web.Event with { Path = "/" + new string('p', 3000) }),
        new(11, "gw\n1", SampleEvents.Connect.Event with { ClientVersion = "2.6\r\n<13>1 - forged - - - -" }),
    ];

    [Fact]
    public async Task SyslogSink_Rsyslog_ParsesEveryMessageAsRfc5424()
    {
        Requirements.RequireRsyslog();
        await using var rsyslog = await Rsyslog.StartAsync(_folder);
        await using var sink = new SyslogSink(new SyslogExportOptions { Enabled = true, Host = "127.0.0.1", Port = rsyslog.Port }, Formatter);
        var events = Events();

        await sink.SendAsync(events, TestContext.Current.CancellationToken);

        await AssertReceivedAsync(rsyslog, events);
        var lines = rsyslog.Lines();
        Assert.Equal("/a\"b\\c]d[e=f#015#012Set-Cookie: x=1#000end", lines[7].Parameters["path"]);
        Assert.Equal("]\"\\", lines[8].Parameters["answer"]);
        Assert.Equal("gw_1", lines[10].HostName);
    }

    [Fact]
    public async Task SyslogSink_TlsPinnedFingerprint_ParsedByRsyslog()
    {
        Requirements.RequireRsyslogTls();
        using var certificate = SelfSigned("CN=syslog.test", "localhost");
        var files = WritePem(certificate, "server");
        await using var rsyslog = await Rsyslog.StartAsync(_folder, files);

        await SendOverTlsAsync(rsyslog, options => options.Fingerprint = "sha256:" + Convert.ToHexString(SHA256.HashData(certificate.RawData)));

        await AssertReceivedAsync(rsyslog, SampleEvents.All);
    }

    [Fact]
    public async Task SyslogSink_TlsCaCertificate_ParsedByRsyslog()
    {
        Requirements.RequireRsyslogTls();
        using var ca = SelfSigned("CN=Skyhook test CA", null, isCa: true);
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(SubjectAlternativeName("localhost"));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        using var server = issued.CopyWithPrivateKey(serverKey);
        var files = WritePem(server, "server");
        var caPath = Path.Combine(_folder, "ca.pem");
        await File.WriteAllTextAsync(caPath, ca.ExportCertificatePem(), TestContext.Current.CancellationToken);
        await using var rsyslog = await Rsyslog.StartAsync(_folder, files);

        await SendOverTlsAsync(rsyslog, options =>
        {
            options.CaCertificate = caPath;
            options.ServerName = "localhost";
        });

        await AssertReceivedAsync(rsyslog, SampleEvents.All);
    }

    [Fact]
    public async Task SyslogSink_TlsWrongPin_RefusesTheReceiver()
    {
        Requirements.RequireRsyslogTls();
        using var certificate = SelfSigned("CN=syslog.test", "localhost");
        await using var rsyslog = await Rsyslog.StartAsync(_folder, WritePem(certificate, "server"));
        var options = new SyslogExportOptions
        {
            Enabled = true, Host = "127.0.0.1", Port = rsyslog.Port, Tls = true, Fingerprint = new string('a', 64),
        };
        await using var sink = new SyslogSink(options, Formatter);

        await Assert.ThrowsAsync<AuthenticationException>(() => sink.SendAsync(SampleEvents.All, TestContext.Current.CancellationToken));

        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Empty(rsyslog.Lines());
    }

    /// <summary>Sends the samples to <paramref name="rsyslog"/> over TLS to 127.0.0.1, with <paramref name="trust"/> deciding how the receiver is trusted.</summary>
    private static async Task SendOverTlsAsync(Rsyslog rsyslog, Action<SyslogExportOptions> trust)
    {
        var options = new SyslogExportOptions { Enabled = true, Host = "127.0.0.1", Port = rsyslog.Port, Tls = true };
        trust(options);
        await using var sink = new SyslogSink(options, Formatter);
        await sink.SendAsync(SampleEvents.All, TestContext.Current.CancellationToken);
    }

    /// <summary>rsyslog read each message as RFC 5424 (protocol version 1) with exactly the fields the strict reader finds.</summary>
    private static async Task AssertReceivedAsync(Rsyslog rsyslog, IReadOnlyList<StoredEvent> events)
    {
        await Eventually.HoldsAsync(() => rsyslog.Lines().Count >= events.Count, $"rsyslog writes {events.Count} messages");
        var lines = rsyslog.Lines();
        Assert.Equal(events.Count, lines.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var expected = Rfc5424.Parse(Formatter.Format(events[i]));
            var line = lines[i];
            Assert.Equal("1", line.Version);
            Assert.Equal(expected.Priority, line.Priority);
            Assert.Equal(expected.Timestamp, line.Timestamp);
            Assert.Equal(expected.HostName, line.HostName);
            Assert.Equal(SyslogFormatter.AppName, line.AppName);
            Assert.Equal("-", line.ProcId);
            Assert.Equal(expected.MessageId, line.MessageId);
            Assert.Equal(expected.Parameters(SyslogFormatter.StructuredDataId), line.Parameters);
            Assert.Equal(expected.Message, line.Message);
        }

        Assert.Equal(EventKinds.Session, lines[0].MessageId);
    }

    private static X509Certificate2 SelfSigned(string subject, string? dnsName, bool isCa = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (dnsName is not null)
        {
            request.CertificateExtensions.Add(SubjectAlternativeName(dnsName));
        }

        if (isCa)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        }

        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Extension SubjectAlternativeName(string dnsName)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        return names.Build();
    }

    private (string Certificate, string Key) WritePem(X509Certificate2 certificate, string name)
    {
        var certificatePath = Path.Combine(_folder, name + ".crt");
        var keyPath = Path.Combine(_folder, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
