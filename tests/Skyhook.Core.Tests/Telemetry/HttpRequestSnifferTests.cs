using System.Text;
using Skyhook.Core.Telemetry;

namespace Skyhook.Core.Tests.Telemetry;

public sealed class HttpRequestSnifferTests
{
    /// <summary>What curl 7.88 sent for <c>curl -H "Host: web1.apps.internal" http://127.0.0.1:PORT/hello/world?x=1</c>, captured.</summary>
    private static byte[] CurlGet => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Telemetry", "testdata", "curl-get.bin"));

    [Fact]
    public void Sniff_CapturedCurlRequest_GivesMethodPathAndHost()
    {
        var result = HttpRequestSniffer.Sniff(CurlGet, out var head);

        Assert.Equal(SniffResult.Found, result);
        Assert.Equal(new HttpRequestHead("GET", "/hello/world?x=1", "web1.apps.internal"), head);
    }

    [Fact]
    public void Sniff_EveryPrefixOfTheCapturedRequest_IsIncompleteUntilTheHostLine()
    {
        var bytes = CurlGet;
        var hostEnd = Encoding.ASCII.GetString(bytes).IndexOf("internal\r\n", StringComparison.Ordinal) + "internal\r".Length;
        for (var length = 0; length < bytes.Length; length++)
        {
            var result = HttpRequestSniffer.Sniff(bytes.AsSpan(0, length), out _);
            Assert.Equal(length > hostEnd ? SniffResult.Found : SniffResult.Incomplete, result);
        }
    }

    [Theory]
    [InlineData("POST /api/v1/items HTTP/1.0\r\nContent-Length: 0\r\nhOsT:  Example.COM:8080 \r\n\r\n", "POST", "/api/v1/items", "example.com:8080")]
    [InlineData("HEAD / HTTP/1.0\r\n\r\n", "HEAD", "/", null)]
    [InlineData("GET http://proxy.test/x HTTP/1.1\nHost: proxy.test\n\n", "GET", "http://proxy.test/x", "proxy.test")]
    [InlineData("OPTIONS * HTTP/1.1\r\nHost: [fd00::1]:80\r\n\r\n", "OPTIONS", "*", "[fd00::1]:80")]
    [InlineData("GET / HTTP/1.1\r\nHost: bad/host\r\n\r\n", "GET", "/", null)]
    public void Sniff_RequestHeads_AreRead(string request, string method, string path, string? host)
    {
        var result = HttpRequestSniffer.Sniff(Encoding.ASCII.GetBytes(request), out var head);

        Assert.Equal(SniffResult.Found, result);
        Assert.Equal(new HttpRequestHead(method, path, host), head);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2p1\r\n")]
    [InlineData("get / HTTP/1.1\r\n")]
    [InlineData("GET  / HTTP/1.1\r\n")]
    [InlineData("GET / HTTP/2.0\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("GET /\x01 HTTP/1.1\r\n")]
    [InlineData("GET / HTTP/1.1\rX")]
    [InlineData("GET / HTTP/1.1\r\nno colon here\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n")]
    [InlineData("BREW /pot HTTP/1.1\r\n")]
    [InlineData("\x16\x03\x01\x02\x00")]
    public void Sniff_OtherProtocolsAndGarbage_AreUnrecognized(string text)
    {
        Assert.Equal(SniffResult.Unrecognized, HttpRequestSniffer.Sniff(Encoding.Latin1.GetBytes(text), out var head));
        Assert.Null(head);
    }

    [Fact]
    public void Sniff_LongTarget_IsCutTo2048Characters()
    {
        var target = "/" + new string('a', 5000);
        var result = HttpRequestSniffer.Sniff(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: h\r\n\r\n"), out var head);

        Assert.Equal(SniffResult.Found, result);
        Assert.Equal(target[..HttpRequestSniffer.MaxPath], head!.Path);
        Assert.Equal("h", head.Host);
    }

    [Fact]
    public void Sniff_TargetBeyondTheBound_IsUnrecognized()
    {
        var bytes = Encoding.ASCII.GetBytes("GET /" + new string('a', 9000) + " HTTP/1.1\r\n\r\n");

        Assert.Equal(SniffResult.Unrecognized, HttpRequestSniffer.Sniff(bytes, out _));
    }

    [Fact]
    public void Sniff_HeadersBeyondTheBoundWithoutHost_GiveTheRequestWithoutHost()
    {
        var headers = string.Concat(Enumerable.Repeat("X-Filler: 0123456789012345678901234567890123456789\r\n", 400));
        var result = HttpRequestSniffer.Sniff(Encoding.ASCII.GetBytes("GET /x HTTP/1.1\r\n" + headers), out var head);

        Assert.Equal(SniffResult.Found, result);
        Assert.Equal(new HttpRequestHead("GET", "/x", null), head);
    }

    [Fact]
    public void Sniff_RandomAndMutatedInput_NeverThrows()
    {
        var random = new Random(8);
        var seed = CurlGet;
        for (var i = 0; i < 20000; i++)
        {
            var bytes = i % 2 == 0 ? new byte[random.Next(0, 300)] : (byte[])seed.Clone();
            if (i % 2 == 0)
            {
                random.NextBytes(bytes);
            }
            else
            {
                for (var flips = random.Next(1, 6); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
            }

            var result = HttpRequestSniffer.Sniff(bytes.AsSpan(0, random.Next(bytes.Length + 1)), out var head);
            Assert.True(result != SniffResult.Found || head is { Path.Length: <= HttpRequestSniffer.MaxPath });
        }
    }
}
