using System.Net.Sockets;
using System.Text;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

/// <summary>
/// A fake openvpn management socket (a stand-in for unit tests of the client's concurrency and
/// shutdown; the real openvpn is in RealOpenVpnTests): the test writes what openvpn would and reads
/// what the client sends.
/// </summary>
internal sealed class FakeManagementServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string _directory;
    private Socket? _connection;
    private StreamReader? _reader;
    private NetworkStream? _stream;

    public FakeManagementServer()
    {
        _directory = Directory.CreateTempSubdirectory("ovtfake").FullName;
        SocketPath = Path.Combine(_directory, "m.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(1);
    }

    public string SocketPath { get; }

    public async Task AcceptAsync(CancellationToken cancellationToken)
    {
        _connection = await _listener.AcceptAsync(cancellationToken);
        _stream = new NetworkStream(_connection, ownsSocket: false);
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public async Task WriteAsync(string text, CancellationToken cancellationToken) =>
        await _stream!.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken) => await _reader!.ReadLineAsync(cancellationToken);

    /// <summary>Whether the client sent anything within <paramref name="wait"/>.</summary>
    public async Task<bool> SendsNothingFor(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(wait);
        try
        {
            await _reader!.ReadLineAsync(limit.Token);
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }

    public void CloseConnection() => _connection?.Shutdown(SocketShutdown.Both);

    public ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        _connection?.Dispose();
        _listener.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
