using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Skyhook.Controller.Tests;

/// <summary>The controller on a real socket with HTTPS: the self-signed certificate it generates is the one it serves, and it survives a restart.</summary>
public sealed class HttpsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Https_NoCertificateConfigured_ServesGeneratedCertificateAndReusesIt()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "skyhook-https-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = await ServedFingerprintAsync(dataDirectory);
            using var generated = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(dataDirectory, "tls", "controller.crt"), Cancel));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(generated.RawData)), first);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDirectory, "tls", "controller.key")));

            var second = await ServedFingerprintAsync(dataDirectory);
            Assert.Equal(first, second);
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static async Task<string> ServedFingerprintAsync(string dataDirectory)
    {
        var logs = new CapturedLogs();
        await using var factory = ControllerHost.Create(dataDirectory, ControllerDatabase.Sqlite, TimeProvider.System, logs, builder => builder.UseSetting("urls", "https://127.0.0.1:0"));
        factory.UseKestrel();
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Assert.StartsWith("https://", address, StringComparison.Ordinal);
        string? served = null;
        using var handler = new HttpClientHandler
        {
            // The test pins like a gateway does: by fingerprint, not by a public CA.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                served = Convert.ToHexStringLower(SHA256.HashData(certificate!.RawData));
                return true;
            },
        };
        using var client = new HttpClient(handler);
        var response = await client.GetAsync(address + "/healthz", Cancel);
        Assert.True(response.IsSuccessStatusCode);
        Assert.Contains(logs.Lines, l => l.Contains("[3021]", StringComparison.Ordinal) && l.Contains("sha256:" + served, StringComparison.Ordinal));
        return served!;
    }
}
