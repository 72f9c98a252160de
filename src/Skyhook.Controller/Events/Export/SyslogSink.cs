using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Skyhook.Controller.Events.Export;

/// <summary>
/// Sends events to a syslog receiver over TCP, one RFC 5424 message per event, framed by octet
/// counting (RFC 6587 §3.4.1: <c>LEN SP MSG</c>, so a message can hold any byte), optionally in TLS
/// (RFC 5425). It connects on the first send and again after a failure; the exporter's backoff paces
/// the retries.
/// </summary>
/// <remarks>
/// Syslog over TCP has no acknowledgement: a batch counts as sent once the kernel took it. If the
/// connection drops while messages are still in flight, the last of them may be lost (they were
/// written but never read), and a batch whose write failed is sent again from the exporter's
/// persisted cursor, so the receiver may see its first messages twice. Delivery is at-least-once up to
/// the in-flight window of a connection that breaks; RELP would close that gap. To keep the window
/// small, a connection the receiver has closed is noticed before writing, not after.
/// </remarks>
public sealed class SyslogSink : IExportSink, IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A receiver that stops reading must not hold the exporter forever.</summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);

    private readonly SyslogExportOptions _options;
    private readonly SyslogFormatter _formatter;
    private readonly X509Certificate2Collection? _trustedCas;
    private readonly string? _pin;
    private TcpClient? _client;
    private Stream? _stream;

    public SyslogSink(SyslogExportOptions options, SyslogFormatter formatter)
    {
        _options = options;
        _formatter = formatter;
        if (options.CaCertificate is not null)
        {
            _trustedCas = [];
            _trustedCas.ImportFromPemFile(options.CaCertificate);
        }

        _pin = options.Fingerprint is null ? null : CertificatePin.Normalize(options.Fingerprint);
    }

    public string Name => "syslog";

    public string Target => $"{(_options.Tls ? "tls" : "tcp")}://{_options.Host}:{_options.EffectivePort.ToString(CultureInfo.InvariantCulture)}";

    public async Task SendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        var frames = new ArrayBufferWriter<byte>(events.Count * 512);
        foreach (var stored in events)
        {
            var message = Encoding.UTF8.GetBytes(_formatter.Format(stored));
            Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " ", frames);
            frames.Write(message);
        }

        try
        {
            var stream = await ConnectedAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(WriteTimeout);
            await stream.WriteAsync(frames.WrittenMemory, timeout.Token);
            await stream.FlushAsync(timeout.Token);
        }
        catch
        {
            // Whatever failed, the connection's state is unknown: the next send starts a new one.
            await CloseAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => CloseAsync();

    private async Task<Stream> ConnectedAsync(CancellationToken cancellationToken)
    {
        // A receiver never sends anything: a readable socket means it closed (FIN, or TLS
        // close_notify). Writing into it would "succeed" once and lose the batch.
        if (_stream is not null && _client is { Client: { } socket } && !socket.Poll(0, SelectMode.SelectRead))
        {
            return _stream;
        }

        await CloseAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(_options.Host!, _options.EffectivePort, timeout.Token);
            Stream stream = client.GetStream();
            if (_options.Tls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = _options.ServerName ?? _options.Host,
                        RemoteCertificateValidationCallback = ValidateReceiver,
                    },
                    timeout.Token);
                stream = tls;
            }

            _client = client;
            _stream = stream;
            return stream;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>A pinned fingerprint accepts exactly that certificate; a configured CA replaces the system's trust; otherwise the system decides.</summary>
    private bool ValidateReceiver(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }

        if (_pin is not null)
        {
            return string.Equals(CertificatePin.Of(certificate), _pin, StringComparison.Ordinal);
        }

        if (_trustedCas is null)
        {
            return errors == SslPolicyErrors.None;
        }

        // The name is still checked; only the chain is judged against the configured CA.
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedCas);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Intermediates the receiver sent are in the chain the platform built.
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }

    private async ValueTask CloseAsync()
    {
        if (_stream is not null)
        {
            try
            {
                await _stream.DisposeAsync();
            }
            catch (IOException)
            {
                // Closing a broken TLS stream may fail to send close_notify; it is going away anyway.
            }

            _stream = null;
        }

        _client?.Dispose();
        _client = null;
    }
}
