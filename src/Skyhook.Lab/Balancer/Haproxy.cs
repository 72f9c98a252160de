using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Skyhook.Lab.Balancer;

/// <summary>One backend server of a balancer: a name for haproxy's state and logs, and where it listens.</summary>
public sealed record HaproxyServer(string Name, IPEndPoint Endpoint);

/// <summary>
/// A real haproxy (Debian's package) in front of the gateways or the controller replicas, for the
/// HA tests and the failover benchmark: a configuration written from typed values (never text a user
/// typed), run as <c>haproxy -f CFG -db</c> (foreground, no daemon) in the host's namespace or, through
/// <c>nsenter --net</c>, in one of the lab's, and stopped (SIGKILL, it holds no state) on dispose. Its
/// stats socket answers which servers it holds up or down.
/// </summary>
public sealed class Haproxy : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private Haproxy(Process process, string directory, IPEndPoint listen)
    {
        _process = process;
        Directory = directory;
        Listen = listen;
    }

    /// <summary>The folder holding the configuration and the stats socket; removed on dispose.</summary>
    public string Directory { get; }

    public IPEndPoint Listen { get; }

    public string StatsSocket => StatsSocketIn(Directory);

    private static string StatsSocketIn(string directory) => Path.Combine(directory, "stats.sock");

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// A TCP balancer for OpenVPN over TCP: each new tunnel to the server holding the fewest
    /// (<c>leastconn</c>, haproxy's advice for long sessions: with <c>roundrobin</c> a server back from
    /// the dead took 9 of the next 10 tunnels, catching up on its turns), health-checked every 500 ms
    /// (down after 2 failed checks, up after 2 good ones); a connection to a server that refuses is
    /// tried again on another (<c>option redispatch</c>, <c>retries 3</c>), and the sessions of a
    /// server marked down are closed at once (<c>on-marked-down shutdown-sessions</c>) so that clients
    /// of a silently dead gateway reconnect instead of waiting out their keepalive. Idle timeouts of
    /// 2 minutes, longer than the VPN's keepalive, so the balancer never cuts a quiet tunnel.
    /// </summary>
    public static string TcpConfig(IPEndPoint listen, IReadOnlyList<HaproxyServer> servers, string statsSocket) =>
        Config(statsSocket, "tcp", "leastconn", listen, servers,
            [
                "timeout client 2m",
                "timeout server 2m",
            ],
            [],
            "check inter 500 fall 2 rise 2 on-marked-down shutdown-sessions");

    /// <summary>
    /// An HTTP balancer for controller replicas: <c>GET /healthz</c> every 500 ms, and a request whose
    /// replica refused the connection, closed it without an answer, timed out or answered 502/503 is
    /// sent again to another (<c>retry-on</c>, haproxy 2.0 and later; it buffers the request to replay
    /// it). The server timeout covers the gateways' long polls of the desired state.
    /// </summary>
    public static string HttpConfig(IPEndPoint listen, IReadOnlyList<HaproxyServer> servers, string statsSocket) =>
        Config(statsSocket, "http", "roundrobin", listen, servers,
            [
                "timeout client 2m",
                "timeout server 1m",
                "option httpchk GET /healthz",
                "http-check expect status 200",
                "retry-on conn-failure empty-response response-timeout 502 503",
            ],
            ["option forwardfor"],
            "check inter 500 fall 2 rise 2");

    private static string Config(
        string statsSocket, string mode, string balance, IPEndPoint listen, IReadOnlyList<HaproxyServer> servers,
        IReadOnlyList<string> defaults, IReadOnlyList<string> proxy, string serverOptions)
    {
        if (servers.Count == 0)
        {
            throw new ArgumentException("a balancer needs at least one server", nameof(servers));
        }
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        Line("global");
        Line($"    stats socket {statsSocket} mode 600 level admin");
        Line("defaults");
        Line($"    mode {mode}");
        Line("    timeout connect 1s");
        Line("    option redispatch");
        Line("    retries 3");
        foreach (var line in defaults)
        {
            Line("    " + line);
        }
        Line("listen skyhook");
        Line("    bind " + Endpoint(listen));
        Line("    balance " + balance);
        foreach (var line in proxy)
        {
            Line("    " + line);
        }
        foreach (var server in servers)
        {
            if (server.Name.Length == 0 || !server.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new ArgumentException($"server name '{server.Name}' is not letters, digits, - and _", nameof(servers));
            }
            Line($"    server {server.Name} {Endpoint(server.Endpoint)} {serverOptions}");
        }
        return text.ToString();
    }

    private static string Endpoint(IPEndPoint endpoint) =>
        endpoint.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{endpoint.Address}]:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{endpoint.Address}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The VPN balancer (<see cref="TcpConfig"/>) in <paramref name="networkNamespace"/> (null: the host's), files in <paramref name="directory"/>.</summary>
    public static Task<Haproxy> StartTcpAsync(string directory, IPEndPoint listen, IReadOnlyList<HaproxyServer> servers, string? networkNamespace, CancellationToken cancellationToken) =>
        StartAsync(directory, TcpConfig(listen, servers, StatsSocketIn(directory)), listen, networkNamespace, cancellationToken);

    /// <summary>The controller balancer (<see cref="HttpConfig"/>) in the host's namespace, files in <paramref name="directory"/>.</summary>
    public static Task<Haproxy> StartHttpAsync(string directory, IPEndPoint listen, IReadOnlyList<HaproxyServer> servers, CancellationToken cancellationToken) =>
        StartAsync(directory, HttpConfig(listen, servers, StatsSocketIn(directory)), listen, null, cancellationToken);

    /// <summary>
    /// Writes <paramref name="config"/> to <c>DIRECTORY/haproxy.cfg</c> and runs haproxy on it (its
    /// arguments an array: no shell), in <paramref name="networkNamespace"/> when given; returns once
    /// its stats socket answers.
    /// </summary>
    private static async Task<Haproxy> StartAsync(string directory, string config, IPEndPoint listen, string? networkNamespace, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(path, config, cancellationToken);
        var start = new ProcessStartInfo(networkNamespace is null ? "haproxy" : "nsenter")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (networkNamespace is not null)
        {
            start.ArgumentList.Add("--net=/run/netns/" + networkNamespace);
            start.ArgumentList.Add("haproxy");
        }
        foreach (var argument in new[] { "-f", path, "-db" })
        {
            start.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = start };
        var haproxy = new Haproxy(process, directory, listen);
        process.OutputDataReceived += (_, e) => haproxy.Append(e.Data);
        process.ErrorDataReceived += (_, e) => haproxy.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Poll.UntilAsync(
                async ct => process.HasExited
                    ? throw new LabException($"haproxy exited with {process.ExitCode} at start: {haproxy.Log}")
                    : await haproxy.TryStatsAsync(ct) is not null,
                StartTimeout,
                () => $"haproxy's stats socket did not answer within {StartTimeout.TotalSeconds} s: {haproxy.Log}",
                cancellationToken);
            return haproxy;
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>Each server's state as haproxy holds it now ("UP", "DOWN", "UP 1/2", ...), by server name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ServerStatesAsync(CancellationToken cancellationToken)
    {
        var csv = await TryStatsAsync(cancellationToken) ?? throw new LabException("haproxy's stats socket does not answer: " + Log);
        // "show stat" is CSV with a header "# pxname,svname,...,status,...": one row per frontend, server and backend.
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        var name = Array.IndexOf(header, "svname");
        var status = Array.IndexOf(header, "status");
        return lines.Skip(1).Select(l => l.Split(','))
            .Where(f => f.Length > status && f[name] is not ("FRONTEND" or "BACKEND"))
            .ToDictionary(f => f[name], f => f[status], StringComparer.Ordinal);
    }

    /// <summary>Until haproxy holds <paramref name="server"/> in <paramref name="state"/> ("UP" or "DOWN").</summary>
    public Task WaitServerAsync(string server, string state, TimeSpan timeout, CancellationToken cancellationToken) =>
        Poll.UntilAsync(
            async ct => (await ServerStatesAsync(ct)).TryGetValue(server, out var now) && now == state,
            timeout,
            () => $"haproxy did not hold {server} {state} within {timeout.TotalSeconds} s: {Log}",
            cancellationToken);

    private async Task<string?> TryStatsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(StatsSocket), cancellationToken);
            await socket.SendAsync("show stat\n"u8.ToArray(), SocketFlags.None, cancellationToken);
            using var stream = new NetworkStream(socket);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return await reader.ReadToEndAsync(cancellationToken);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
