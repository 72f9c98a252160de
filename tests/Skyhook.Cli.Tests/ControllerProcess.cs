using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Skyhook.Cli.Tests;

/// <summary>
/// A real `skyhook-controller` process on a loopback port with its own data directory (SQLite), as an
/// admin would start it. Everything it logs is kept, so tests can read the setup token and scan the log.
/// </summary>
public sealed partial class ControllerProcess : IAsyncLifetime
{
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<string> _setupToken = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("skyhook-controller-").FullName;
    public string Url { get; private set; } = "";
    public string SetupToken { get; private set; } = "";

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

    public async ValueTask InitializeAsync()
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "src/Skyhook.Controller/bin/Release/net10.0/skyhook-controller.dll"));
        start.Environment["ASPNETCORE_URLS"] = Url;
        start.Environment["Controller__DataDirectory"] = DataDirectory;
        start.Environment["Logging__Console__FormatterName"] = "simple";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        SetupToken = await _setupToken.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                (await http.GetAsync(Url + "/healthz")).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
        if (SetupTokenPattern().Match(line) is { Success: true } match)
        {
            _setupToken.TrySetResult(match.Groups[1].Value);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Skyhook.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("not inside the Skyhook repository");
    }

    [GeneratedRegex(@"One-time setup token: (\S+)")]
    private static partial Regex SetupTokenPattern();
}

[CollectionDefinition("controller")]
public sealed class ControllerCollection : ICollectionFixture<ControllerProcess>;
