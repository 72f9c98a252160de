using System.Diagnostics;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>
/// The real <c>skyhook-gateway</c> binary of this repository as a child process, configured through
/// its environment as an operator would (Gateway__Xxx, Overlay__Xxx). Its output lines are kept with
/// the time they arrived, so a test can time what the gateway did. <see cref="KillHard"/> is kill -9:
/// no shutdown code runs, so openvpn and every host change outlive it, as after a crash.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly List<(DateTimeOffset At, string Line)> _lines = [];
    private Process? _process;

    public GatewayProcess(IReadOnlyDictionary<string, string> environment) => _environment = environment;

    public static string Binary => Skyhook.Lab.RepositoryBuild.GatewayDll;

    public IReadOnlyList<(DateTimeOffset At, string Line)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public bool Running => _process is { HasExited: false };

    /// <summary><c>skyhook-gateway join ARGS</c> with this gateway's environment; its exit code and output.</summary>
    public async Task<ProcessResult> JoinAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        await new ProcessRunner().RunAsync(
            new ProcessSpec("dotnet", [Binary, "join", .. arguments]) { CheckExitCode = false, Timeout = TimeSpan.FromSeconds(60), Environment = _environment },
            cancellationToken);

    /// <summary><c>skyhook-gateway run</c>, in the background.</summary>
    public void Start()
    {
        if (Running)
        {
            throw new InvalidOperationException("the gateway is already running");
        }
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Binary);
        start.ArgumentList.Add("run");
        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }
        // One line per log entry, so that a line holds an event id and its message together.
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>SIGKILL, and wait until it is gone.</summary>
    public async Task KillHard()
    {
        if (_process is not { } process)
        {
            return;
        }
        _process = null;
        if (!process.HasExited)
        {
            Posix.Signal(process.Id, Posix.SigKill);
        }
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>SIGTERM (the gateway stops openvpn), then SIGKILL after 15 s.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }
        _process = null;
        if (!process.HasExited)
        {
            Posix.Signal(process.Id, Posix.SigTerm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        process.Dispose();
    }

    /// <summary>The first line at or after <paramref name="since"/> that holds every one of <paramref name="parts"/>.</summary>
    public (DateTimeOffset At, string Line)? Find(DateTimeOffset since, params string[] parts) =>
        Lines.Where(l => l.At >= since && parts.All(p => l.Line.Contains(p, StringComparison.Ordinal))).Cast<(DateTimeOffset, string)?>().FirstOrDefault();

    public ValueTask DisposeAsync() => new(StopAsync());

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add((DateTimeOffset.UtcNow, line));
            }
        }
    }
}
