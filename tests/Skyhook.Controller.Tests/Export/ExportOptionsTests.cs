using System.ComponentModel.DataAnnotations;
using Skyhook.Controller.Events.Export;

namespace Skyhook.Controller.Tests.Export;

public sealed class ExportOptionsTests
{
    [Fact]
    public void Defaults_Off_Valid()
    {
        Assert.False(new SyslogExportOptions().Enabled);
        Assert.Null(new JsonLinesExportOptions().Path);
        Assert.Empty(Validate(new SyslogExportOptions()));
        Assert.Empty(Validate(new JsonLinesExportOptions()));
        Assert.Equal(514, new SyslogExportOptions().EffectivePort);
        Assert.Equal(6514, new SyslogExportOptions { Tls = true }.EffectivePort);
        Assert.Equal(16, SyslogFacilities.Parse(new SyslogExportOptions().Facility));
    }

    [Theory]
    [InlineData(null, null, "local0", "beginning", null, "Host")]
    [InlineData("syslog.example", 0, "local0", "beginning", null, "Port")]
    [InlineData("syslog.example", 70000, "local0", "beginning", null, "Port")]
    [InlineData("syslog.example", 514, "local9", "beginning", null, "Facility")]
    [InlineData("syslog.example", 514, "24", "beginning", null, "Facility")]
    [InlineData("syslog.example", 514, "local0", "middle", null, "StartAt")]
    [InlineData("syslog.example", 514, "local0", "beginning", "sha256:abc", "Fingerprint")]
    public void Syslog_BadValue_OneMessageNamingIt(string? host, int? port, string facility, string startAt, string? fingerprint, string member)
    {
        var options = new SyslogExportOptions { Enabled = true, Host = host, Port = port, Facility = facility, StartAt = startAt, Tls = true, Fingerprint = fingerprint };

        var result = Assert.Single(Validate(options));

        Assert.Equal(member, Assert.Single(result.MemberNames));
        Assert.Contains("Events:Syslog:" + member, result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Syslog_TlsSettingsWithoutTls_Invalid() =>
        Assert.Contains(Validate(new SyslogExportOptions { Enabled = true, Host = "h", Fingerprint = new string('a', 64) }), r => r.MemberNames.Contains("Tls"));

    [Fact]
    public void Syslog_MissingCaFile_Invalid() =>
        Assert.Contains(Validate(new SyslogExportOptions { Enabled = true, Host = "h", Tls = true, CaCertificate = "/nonexistent/ca.pem" }), r => r.MemberNames.Contains("CaCertificate"));

    [Theory]
    [InlineData("AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99")]
    [InlineData("sha256:aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899")]
    public void Syslog_FingerprintForms_Valid(string fingerprint) =>
        Assert.Empty(Validate(new SyslogExportOptions { Enabled = true, Host = "h", Tls = true, Fingerprint = fingerprint }));

    [Theory]
    [InlineData("events.jsonl")]
    [InlineData("/var/log/skyhook/")]
    [InlineData("/tmp")]
    public void JsonLines_NotAFilePath_Invalid(string path) =>
        Assert.Contains("Events:JsonLines:Path", Assert.Single(Validate(new JsonLinesExportOptions { Path = path })).ErrorMessage, StringComparison.Ordinal);

    private static List<ValidationResult> Validate(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
