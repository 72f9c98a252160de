using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Skyhook.Lab.Controller;

/// <summary>
/// A real `skyhook-controller` process with a data directory of its own (SQLite by default), as an
/// admin would start it: for the CLI tests, the benchmarks and the lab's end-to-end tests. Everything
/// it prints is kept, so callers can read the setup token and scan the log for secrets.
/// </summary>
public sealed partial class LabController : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<string> _setupToken = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ProcessStartInfo _start;
    private Process _process;
    private int _disposed;

    private LabController(ProcessStartInfo start, string url, string dataDirectory)
    {
        _start = start;
        _process = new Process { StartInfo = start };
        Url = url;
        DataDirectory = dataDirectory;
    }

    public string Url { get; }
    public string DataDirectory { get; }

    /// <summary>The one-time setup token the controller logged at start (it has no admin yet).</summary>
    public Task<string> SetupToken => _setupToken.Task;

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
    /// Starts the controller built in this repository on <paramref name="address"/> (a free port is
    /// chosen) and waits until it answers /healthz.
    /// </summary>
    /// <param name="environment">Extra configuration, e.g. <c>Storage__Provider</c>.</param>
    public static async Task<LabController> StartAsync(IPAddress address, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var url = $"http://{address}:{FreePort(address)}";
        var dataDirectory = Directory.CreateTempSubdirectory("skyhook-controller-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryBuild.ControllerDll);
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment["Controller__DataDirectory"] = dataDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var controller = new LabController(start, url, dataDirectory);
        try
        {
            await controller.RunAsync(cancellationToken);
            return controller;
        }
        catch
        {
            await controller.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the process (as a crash would), keeping its data: <see cref="StartAgainAsync"/> brings it back.</summary>
    public async Task StopAsync()
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
    }

    /// <summary>A new process on the same URL and data directory, after <see cref="StopAsync"/>; waits until it answers.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        await StopAsync();
        _process.Dispose();
        _process = new Process { StartInfo = _start };
        await RunAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitHealthyAsync(cancellationToken);
    }

    /// <summary>Stops the process and removes its data directory; safe to call again.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await StopAsync();
        _process.Dispose();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Poll.UntilAsync(
            async ct =>
            {
                if (_process.HasExited)
                {
                    throw new LabException($"the controller exited with {_process.ExitCode} at start: {Log}");
                }
                try
                {
                    using var response = await http.GetAsync(Url + "/healthz", ct);
                    return response.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    // Refused, or no answer within the probe's 2 s on a busy machine: not yet.
                    return false;
                }
            },
            StartTimeout,
            () => $"the controller did not answer {Url}/healthz within {StartTimeout.TotalSeconds} s: {Log}",
            cancellationToken);
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
        if (FindSetupToken(line) is { } token)
        {
            _setupToken.TrySetResult(token);
        }
    }

    /// <summary>The one-time setup token in a line of the controller's log, or null.</summary>
    public static string? FindSetupToken(string line) =>
        SetupTokenPattern().Match(line) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>A TCP port nothing listens on at <paramref name="address"/> right now.</summary>
    public static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"One-time setup token: (\S+)")]
    private static partial Regex SetupTokenPattern();
}
