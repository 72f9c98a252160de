using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Skyhook.Bench;

/// <summary>
/// A FAKE openvpn on the other end of the gateway's management socket, for the login-storm
/// benchmark. It is fake because only a scripted peer can timestamp the moment a
/// <c>&gt;CLIENT:CONNECT</c> block is written and the moment the matching <c>client-auth</c> (or
/// <c>client-deny</c>) has been read, and fire hundreds of CONNECTs at once without hundreds of
/// VPN clients and TLS handshakes in front of them. The real openvpn path is covered by the gateway
/// tests (RealOpenVpnTests, GatewayEndToEndTests, SessionTokenTests).
/// It speaks as openvpn 2.6 with <c>management-client-auth</c> does: the <c>&gt;INFO</c> greeting on
/// connect, lines ending in CRLF, each CLIENT notification with its ENV block written whole (the
/// variables of a real CONNECT, from the gateway tests' session transcript), a SUCCESS or ERROR line
/// for every command.
/// </summary>
public sealed class FakeOpenVpnManagement : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string _directory;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<ulong, Pending> _pending = new();
    private Socket? _connection;
    private NetworkStream? _stream;
    private Task _reading = Task.CompletedTask;
    private long _lastClientId;

    public FakeOpenVpnManagement()
    {
        _directory = Directory.CreateTempSubdirectory("skyhook-bench-").FullName;
        SocketPath = Path.Combine(_directory, "management.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(1);
    }

    public string SocketPath { get; }

    /// <summary>Takes the gateway's connection and greets it; from then on every command is answered.</summary>
    public async Task AcceptAsync(CancellationToken cancellationToken)
    {
        _connection = await _listener.AcceptAsync(cancellationToken);
        _stream = new NetworkStream(_connection, ownsSocket: false);
        await WriteAsync(">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info\r\n", cancellationToken);
        _reading = Task.Run(() => ServeAsync(CancellationToken.None), CancellationToken.None);
    }

    /// <summary>
    /// Writes one <c>&gt;CLIENT:CONNECT</c> per login (a new client id each), one right after the
    /// other, and waits for every answer. Each is timed from just before its block is written to the
    /// moment its <c>client-auth</c> ... <c>END</c> or <c>client-deny</c> line has been read.
    /// </summary>
    /// <param name="logins">User name and password field (an SCRV1 answer, or a session token on reconnect).</param>
    public async Task<FakeLogin[]> StormAsync(IReadOnlyList<(string UserName, string Password)> logins, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = new List<Pending>(logins.Count);
        foreach (var (userName, password) in logins)
        {
            var clientId = (ulong)Interlocked.Increment(ref _lastClientId);
            var block = ConnectBlock(clientId, userName, password);
            var login = new Pending(clientId);
            _pending[clientId] = login;
            pending.Add(login);
            await _writeGate.WaitAsync(cancellationToken);
            try
            {
                login.Asked = Stopwatch.GetTimestamp();
                await _stream!.WriteAsync(block, cancellationToken);
            }
            finally
            {
                _writeGate.Release();
            }
        }
        try
        {
            return await Task.WhenAll(pending.Select(p => p.Answer.Task)).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{pending.Count(p => !p.Answer.Task.IsCompleted)} of {pending.Count} logins got no client-auth or client-deny within {timeout.TotalSeconds} s");
        }
    }

    /// <summary>Ends these clients' sessions as openvpn reports a client that left, so that their addresses return to the gateway's pool.</summary>
    public async Task DisconnectAsync(IEnumerable<ulong> clientIds, CancellationToken cancellationToken)
    {
        foreach (var clientId in clientIds)
        {
            await WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $">CLIENT:DISCONNECT,{clientId}\r\n>CLIENT:ENV,bytes_received=0\r\n>CLIENT:ENV,bytes_sent=0\r\n>CLIENT:ENV,END\r\n"), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _connection?.Dispose();
        _listener.Dispose();
        await _reading;
        _writeGate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    // The variables openvpn 2.6 sets for a client without a certificate (tests' session.transcript).
    private static byte[] ConnectBlock(ulong clientId, string userName, string password)
    {
        var ip = string.Create(CultureInfo.InvariantCulture, $"100.64.{clientId / 256 % 256}.{clientId % 256}");
        var port = 1024 + (clientId % 60_000);
        var block = new StringBuilder();
        block.Append(CultureInfo.InvariantCulture, $">CLIENT:CONNECT,{clientId},0\r\n");
        foreach (var (name, value) in new (string, string)[]
        {
            ("n_clients", "0"), ("password", password), ("untrusted_port", port.ToString(CultureInfo.InvariantCulture)), ("untrusted_ip", ip),
            ("common_name", userName), ("username", userName), ("IV_SSO", "webauth,openurl,crtext"), ("IV_GUI_VER", "OCmacOS_3.4.4-4629"),
            ("IV_CIPHERS", "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305"), ("IV_MTU", "1600"), ("IV_PROTO", "990"), ("IV_TCPNL", "1"), ("IV_NCP", "2"),
            ("IV_PLAT", "linux"), ("IV_VER", "2.6.14"), ("remote_port_1", "1194"), ("local_port_1", "1194"), ("proto_1", "udp"),
            ("daemon_pid", "4242"), ("daemon_start_time", "1795827600"), ("daemon_log_redirect", "0"), ("daemon", "0"), ("verb", "3"),
            ("config", "/var/lib/skyhook-gateway/openvpn/server.conf"), ("ifconfig_local", "192.168.32.1"), ("ifconfig_netmask", "255.255.252.0"),
            ("script_context", "init"), ("tun_mtu", "1500"), ("dev", "skyvpn0"), ("dev_type", "tun"), ("redirect_gateway", "0"),
        })
        {
            block.Append(">CLIENT:ENV,").Append(name).Append('=').Append(value).Append("\r\n");
        }
        block.Append(">CLIENT:ENV,END\r\n");
        return Encoding.UTF8.GetBytes(block.ToString());
    }

    // Reads the gateway's commands and answers each at once, as openvpn's event loop does.
    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var reader = new StreamReader(_stream!, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var words = line.Split(' ', 4);
                var known = words.Length >= 3 && ulong.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var clientId)
                    ? _pending.TryRemove(clientId, out var login) ? login : null
                    : null;
                switch (words[0])
                {
                    case "client-auth":
                        // The config lines up to END: an admitted CONNECT has its address and, from the controller, a session token.
                        string? token = null;
                        var address = false;
                        while (await reader.ReadLineAsync(cancellationToken) is { } config && config != "END")
                        {
                            address |= config.StartsWith("ifconfig-push ", StringComparison.Ordinal);
                            if (config.StartsWith("push \"auth-token ", StringComparison.Ordinal))
                            {
                                token = config["push \"auth-token ".Length..^1];
                            }
                        }
                        known?.Answered(address, token, null);
                        await ReplyAsync(known is null ? "ERROR: client-auth command failed" : "SUCCESS: client-auth command succeeded", cancellationToken);
                        break;
                    case "client-auth-nt":
                        known?.Answered(true, null, null);
                        await ReplyAsync(known is null ? "ERROR: client-auth command failed" : "SUCCESS: client-auth command succeeded", cancellationToken);
                        break;
                    case "client-deny":
                        known?.Answered(false, null, words.Length > 3 ? words[3] : "");
                        await ReplyAsync(known is null ? "ERROR: client-deny command failed" : "SUCCESS: client-deny command succeeded", cancellationToken);
                        break;
                    default:
                        await ReplyAsync("ERROR: unknown command, enter 'help' for more options", cancellationToken);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The gateway's client or this fake closed the connection.
        }
    }

    private Task ReplyAsync(string reply, CancellationToken cancellationToken) => WriteAsync(reply + "\r\n", cancellationToken);

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await _stream!.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private sealed class Pending(ulong clientId)
    {
        public TaskCompletionSource<FakeLogin> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Asked { get; set; }

        public void Answered(bool admitted, string? sessionToken, string? refusal) =>
            Answer.TrySetResult(new FakeLogin(clientId, new StormOutcome(admitted, Asked, Stopwatch.GetTimestamp()), sessionToken, refusal));
    }
}
