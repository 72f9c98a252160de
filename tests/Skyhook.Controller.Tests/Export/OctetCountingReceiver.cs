using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Skyhook.Controller.Tests.Export;

/// <summary>
/// A syslog receiver in the test process: RFC 6587 octet-counted frames over plain TCP, each kept as
/// its text. Can be stopped (listener and connections closed) and started again on the same port.
/// </summary>
internal sealed class OctetCountingReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly ConcurrentBag<TcpClient> _connections = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;

    public OctetCountingReceiver()
    {
        Start();
    }

    public int Port { get; private set; }

    public IReadOnlyCollection<string> Messages => _messages;

    public int Connections { get; private set; }

    /// <summary>The <c>id</c> of each message received, in arrival order.</summary>
    public IReadOnlyList<long> Ids() =>
        [.. _messages.Select(m => long.Parse(Rfc5424.Parse(m).Parameters("skyhook@32473")["id"], CultureInfo.InvariantCulture))];

    public void Start()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync(_listener, _stop.Token);
    }

    public async Task StopAsync()
    {
        await _stop!.CancelAsync();
        _listener!.Stop();
        while (_connections.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                Connections++;
                _connections.Add(client);
                _ = ReadAsync(client, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReadAsync(TcpClient client, CancellationToken cancellationToken)
    {
        try
        {
            var stream = client.GetStream();
            var one = new byte[1];
            while (true)
            {
                var length = 0;
                while (true)
                {
                    if (await stream.ReadAsync(one, cancellationToken) == 0)
                    {
                        return;
                    }

                    if (one[0] == ' ')
                    {
                        break;
                    }

                    length = length * 10 + (one[0] - '0');
                }

                var message = new byte[length];
                await stream.ReadExactlyAsync(message, cancellationToken);
                _messages.Enqueue(Encoding.UTF8.GetString(message));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or EndOfStreamException)
        {
        }
    }
}
