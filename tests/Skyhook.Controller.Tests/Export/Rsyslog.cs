using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Skyhook.Controller.Tests.Export;

/// <summary>
/// A real rsyslogd as a child process, confined to a temporary folder: its own config (-f), pid file
/// and work directory, no imuxsock or imklog, so it never touches /dev/log, the kernel log or the
/// system's /etc/rsyslog.conf. It receives on 127.0.0.1 (imtcp, optionally TLS through gtls), parses
/// the structured data (mmpstrucdata) and writes one tab-separated line per message: what rsyslog
/// made of it.
/// </summary>
internal sealed class Rsyslog : IAsyncDisposable
{
    private readonly Process _process;

    private Rsyslog(string folder, int port, Process process)
    {
        Folder = folder;
        Port = port;
        _process = process;
    }

    public string Folder { get; }

    public int Port { get; }

    public string OutputPath => Path.Combine(Folder, "received.log");

    /// <param name="tls">PEM paths of the server's certificate and key, for a TLS listener; null for plain TCP.</param>
    public static async Task<Rsyslog> StartAsync(string folder, (string Certificate, string Key)? tls = null)
    {
        var port = FreePort();
        var output = Path.Combine(folder, "received.log");
        var driver = tls is { } files
            ? $"""
              global(DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="{files.Certificate}"
                     DefaultNetstreamDriverCertFile="{files.Certificate}" DefaultNetstreamDriverKeyFile="{files.Key}")
              module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
              """
            : """module(load="imtcp")""";
        // Fields separated by tabs: rsyslog writes control characters in what it received as #ooo,
        // so a tab here is always a separator. %$!% is the JSON mmpstrucdata made of the SD.
        var config = $$"""
            global(workDirectory="{{folder}}" maxMessageSize="64k")
            {{driver}}
            module(load="mmpstrucdata")
            template(name="fields" type="string"
                     string="%protocol-version%\t%pri%\t%timereported:::date-rfc3339%\t%hostname%\t%app-name%\t%procid%\t%msgid%\t%$!%\t%msg%\n")
            ruleset(name="received") {
              action(type="mmpstrucdata" sd_name.lowercase="off")
              action(type="omfile" file="{{output}}" template="fields")
            }
            input(type="imtcp" address="127.0.0.1" port="{{port}}" ruleset="received")
            """;
        var configPath = Path.Combine(folder, "rsyslog.conf");
        await File.WriteAllTextAsync(configPath, config, TestContext.Current.CancellationToken);

        var start = new ProcessStartInfo(Requirements.Rsyslogd()!)
        {
            ArgumentList = { "-n", "-f", configPath, "-i", Path.Combine(folder, "rsyslogd.pid") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        var rsyslog = new Rsyslog(folder, port, process);
        try
        {
            await rsyslog.WaitListeningAsync();
        }
        catch
        {
            await rsyslog.DisposeAsync();
            throw;
        }

        return rsyslog;
    }

    /// <summary>What rsyslog wrote, one entry per message received.</summary>
    public IReadOnlyList<RsyslogLine> Lines() =>
        File.Exists(OutputPath)
            ? [.. File.ReadAllLines(OutputPath).Where(line => line.Length > 0).Select(RsyslogLine.Parse)]
            : [];

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitListeningAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"rsyslogd exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()}{await _process.StandardOutput.ReadToEndAsync()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
