using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Skyhook.Core.Telemetry;

namespace Skyhook.Core.Tests.Telemetry;

public sealed class TlsServerNameSnifferTests
{
    [Theory]
    // curl 7.88 (OpenSSL 3.0): curl -k --resolve web1.apps.internal:PORT:127.0.0.1 https://web1.apps.internal:PORT/
    [InlineData("curl-clienthello.bin", "web1.apps.internal")]
    // openssl s_client -connect 127.0.0.1:PORT -servername api.example.org
    [InlineData("openssl-clienthello.bin", "api.example.org")]
    public void Sniff_CapturedClientHello_GivesTheServerName(string file, string expected)
    {
        var bytes = Captured(file);

        Assert.Equal(SniffResult.Found, TlsServerNameSniffer.Sniff(bytes, out var name));
        Assert.Equal(expected, name);
    }

    [Fact]
    public async Task Sniff_ClientHelloOfSslStream_GivesTheServerName()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, TestContext.Current.CancellationToken);
        using var server = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        await using var tls = new SslStream(client.GetStream());
        var handshake = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "Pay1.Apps.Internal" }, TestContext.Current.CancellationToken);

        var received = new List<byte>();
        var buffer = new byte[4096];
        string? name = null;
        var result = SniffResult.Incomplete;
        while (result == SniffResult.Incomplete)
        {
            var read = await server.GetStream().ReadAsync(buffer, TestContext.Current.CancellationToken);
            Assert.True(read > 0, "the client closed before its ClientHello was whole");
            received.AddRange(buffer.AsSpan(0, read));
            result = TlsServerNameSniffer.Sniff(received.ToArray(), out name);
        }

        client.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        Assert.Equal(SniffResult.Found, result);
        Assert.Equal("pay1.apps.internal", name);
    }

    [Fact]
    public void Sniff_EveryPrefix_IsIncomplete()
    {
        var bytes = Captured("curl-clienthello.bin");
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Equal(SniffResult.Incomplete, TlsServerNameSniffer.Sniff(bytes.AsSpan(0, length), out var name));
            Assert.Null(name);
        }
    }

    [Fact]
    public void Sniff_ClientHelloSplitOverRecords_IsJoined()
    {
        var bytes = Captured("curl-clienthello.bin");
        var handshake = bytes.AsSpan(5);
        var split = new List<byte>();
        foreach (var part in new[] { handshake[..3].ToArray(), handshake[3..200].ToArray(), handshake[200..].ToArray() })
        {
            split.AddRange([22, 3, 3, (byte)(part.Length >> 8), (byte)part.Length]);
            split.AddRange(part);
        }

        Assert.Equal(SniffResult.Found, TlsServerNameSniffer.Sniff(split.ToArray(), out var name));
        Assert.Equal("web1.apps.internal", name);
        Assert.Equal(SniffResult.Incomplete, TlsServerNameSniffer.Sniff(split.ToArray().AsSpan(0, 250), out _));
    }

    [Fact]
    public void Sniff_ClientHelloWithoutServerName_IsFoundWithoutName()
    {
        var hello = Hello(extensions: [0x00, 0x0a, 0x00, 0x02, 0x00, 0x1d]);

        Assert.Equal(SniffResult.Found, TlsServerNameSniffer.Sniff(hello, out var name));
        Assert.Null(name);
    }

    [Theory]
    // extension list longer than the hello
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x40 })]
    // server_name list length beyond its extension
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x05, 0x00, 0x09, 0x00, 0x00, 0x01 })]
    // a name with a slash
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x08, 0x00, 0x06, 0x00, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b' })]
    // an empty name
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00, 0x00, 0x00 })]
    // server_name twice
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x06, 0x00, 0x04, 0x00, 0x00, 0x01, (byte)'a', 0x00, 0x00, 0x00, 0x06, 0x00, 0x04, 0x00, 0x00, 0x01, (byte)'b' })]
    // a trailing byte after the last extension
    [InlineData(new byte[] { 0x00, 0x0a, 0x00, 0x00, 0x07 })]
    public void Sniff_MalformedExtensions_AreUnrecognized(byte[] extensions)
    {
        Assert.Equal(SniffResult.Unrecognized, TlsServerNameSniffer.Sniff(Hello(extensions), out var name));
        Assert.Null(name);
    }

    [Theory]
    [InlineData(new byte[] { 0x17, 0x03, 0x03, 0x00, 0x10 })]
    [InlineData(new byte[] { 0x16, 0x02 })]
    [InlineData(new byte[] { 0x16, 0x03, 0x03, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff })]
    public void Sniff_NotAClientHello_IsUnrecognized(byte[] bytes)
    {
        Assert.Equal(SniffResult.Unrecognized, TlsServerNameSniffer.Sniff(bytes, out _));
    }

    [Fact]
    public void Sniff_RandomAndMutatedInput_NeverThrows()
    {
        var random = new Random(11);
        var seeds = new[] { Captured("curl-clienthello.bin"), Captured("openssl-clienthello.bin") };
        for (var i = 0; i < 20000; i++)
        {
            var bytes = (byte[])seeds[i % 2].Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                bytes[random.Next(i % 3 == 0 ? 60 : bytes.Length)] = (byte)random.Next(256);
            }

            var result = TlsServerNameSniffer.Sniff(bytes.AsSpan(0, random.Next(bytes.Length + 1)), out var name);
            Assert.True(result == SniffResult.Found || name is null);
            Assert.True(name is null || name.Length <= 253);
        }
    }

    private static byte[] Captured(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Telemetry", "testdata", file));

    /// <summary>A minimal ClientHello record with the given extension bytes (their list length is written here).</summary>
    private static byte[] Hello(byte[] extensions)
    {
        var body = new List<byte> { 0x03, 0x03 };
        body.AddRange(new byte[32]);
        body.Add(0);
        body.AddRange([0x00, 0x02, 0x13, 0x01, 0x01, 0x00]);
        body.AddRange([(byte)(extensions.Length >> 8), (byte)extensions.Length]);
        body.AddRange(extensions);
        var handshake = new List<byte> { 1, 0, (byte)(body.Count >> 8), (byte)body.Count };
        handshake.AddRange(body);
        var record = new byte[5 + handshake.Count];
        record[0] = 22;
        record[1] = 3;
        record[2] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)handshake.Count);
        handshake.CopyTo(record, 5);
        return record;
    }
}
