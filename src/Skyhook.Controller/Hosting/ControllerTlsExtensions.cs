using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Skyhook.Controller.Hosting;

public static partial class ControllerTlsExtensions
{
    /// <summary>The listen address when none is configured: HTTPS on every interface, port 8443.</summary>
    public const string DefaultUrls = "https://*:8443";

    /// <summary>
    /// HTTPS with <see cref="ControllerCertificate"/> on every https URL. The URLs come from the
    /// standard settings (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>Urls</c>, <c>Kestrel:Endpoints</c>);
    /// without any, <see cref="DefaultUrls"/>. Plain <c>http://</c> URLs stay possible for tests and
    /// for a TLS-terminating reverse proxy.
    /// </summary>
    public static WebApplicationBuilder AddControllerTls(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ControllerCertificate>();
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelTlsSetup>();
        var configuration = builder.Configuration;
        var urls = configuration["urls"];
        if (string.IsNullOrEmpty(urls) && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"]) && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            urls = DefaultUrls;
            builder.WebHost.UseUrls(DefaultUrls);
        }

        var https = (urls ?? string.Empty).Contains("https://", StringComparison.OrdinalIgnoreCase)
            || !string.IsNullOrEmpty(configuration["https_ports"])
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any(e => e["Url"]?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true);
        if (https)
        {
            builder.Services.AddHostedService<CertificateAtStart>();
        }

        return builder;
    }

    /// <summary>Loads (or generates) the certificate at start and logs its fingerprint, so an operator can compare it with a join command.</summary>
    private sealed partial class CertificateAtStart(ControllerCertificate certificate, ILogger<ControllerCertificate> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            Log.Serving(logger, certificate.Fingerprint);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private static partial class Log
        {
            [LoggerMessage(ControllerEventIds.TlsCertificateServed, LogLevel.Information, "Serving HTTPS with the certificate of fingerprint {Fingerprint}.")]
            public static partial void Serving(ILogger logger, string fingerprint);
        }
    }

    private sealed class KestrelTlsSetup(ControllerCertificate certificate) : IConfigureOptions<KestrelServerOptions>
    {
        // A selector, not a certificate: the certificate is loaded (or generated) only when an https
        // endpoint first needs it, so an http-only controller never writes one.
        public void Configure(KestrelServerOptions options) =>
            options.ConfigureHttpsDefaults(https => https.ServerCertificateSelector ??= (_, _) => certificate.Certificate);
    }
}
