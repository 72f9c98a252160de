using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Skyhook.Linux;

namespace Skyhook.Gateway.Vpn;

/// <summary>
/// One run of <c>openvpn --config PATH</c>, optionally inside a named network namespace (through
/// <c>nsenter --net</c>, which execs openvpn, so the pid is openvpn's). Its output goes to the
/// logger line by line; a pid file lets the next gateway start find and end an openvpn that outlived
/// a killed gateway, instead of fighting it for the port and the socket.
/// </summary>
public sealed partial class OpenVpnChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ILogger _logger;

    private OpenVpnChild(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
        Exited = process.WaitForExitAsync();
    }

    /// <summary>Completes when openvpn exits, for whatever reason.</summary>
    public Task Exited { get; }

    public int Id => _process.Id;

    public bool StopRequested { get; private set; }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static OpenVpnChild Start(string openVpnPath, string configPath, string pidPath, string? networkNamespace, ILogger logger)
    {
        EndLeftover(pidPath, configPath, logger);
        var start = new ProcessStartInfo(networkNamespace is null ? openVpnPath : "nsenter")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (networkNamespace is not null)
        {
            start.ArgumentList.Add("--net=" + NetworkNamespace.PathOf(networkNamespace));
            start.ArgumentList.Add(openVpnPath);
        }
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(configPath);
        start.ArgumentList.Add("--writepid");
        start.ArgumentList.Add(pidPath);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Output(logger, e.Data);
        process.ErrorDataReceived += (_, e) => Output(logger, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"cannot start {start.FileName}: {ex.Message}", ex);
        }
        // No terminal: an openvpn that wanted to prompt fails instead of hanging.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Log.Started(logger, process.Id, configPath, networkNamespace ?? "(own)");
        return new OpenVpnChild(process, logger);
    }

    /// <summary>SIGTERM (openvpn tells UDP clients it is going), then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        StopRequested = true;
        if (_process.HasExited)
        {
            return;
        }
        Posix.Signal(_process.Id, Posix.SigTerm);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            _process.Kill(entireProcessTree: true);
            await Exited;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        Log.Stopped(_logger, _process.Id, _process.ExitCode);
        _process.Dispose();
    }

    private static void Output(ILogger logger, string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            Log.Output(logger, line.Length > 500 ? line[..500] : line);
        }
    }

    private static void EndLeftover(string pidPath, string configPath, ILogger logger)
    {
        try
        {
            if (!File.Exists(pidPath) || !int.TryParse(File.ReadAllText(pidPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                return;
            }
            var commandLine = File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline") : "";
            // Only an openvpn running our config: a recycled pid belongs to someone else.
            if (commandLine.Contains("openvpn", StringComparison.Ordinal) && commandLine.Contains(configPath, StringComparison.Ordinal))
            {
                Log.EndingLeftover(logger, pid);
                // SIGTERM first: openvpn then tells its UDP clients to reconnect now (explicit-exit-notify),
                // and they come back to the new openvpn with their session tokens instead of waiting
                // out the keepalive timeout (60 s). SIGKILL if it has not gone after 3 s.
                Posix.Signal(pid, Posix.SigTerm);
                for (var i = 0; i < 30 && Posix.IsAlive(pid); i++)
                {
                    Thread.Sleep(100);
                }
                if (Posix.IsAlive(pid))
                {
                    Posix.Signal(pid, Posix.SigKill);
                }
                for (var i = 0; i < 50 && Posix.IsAlive(pid); i++)
                {
                    Thread.Sleep(100);
                }
            }
            File.Delete(pidPath);
        }
        catch (IOException)
        {
            // The process went away while we looked.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Started openvpn (pid {Pid}) with {Config} in network namespace {Namespace}")]
        public static partial void Started(ILogger logger, int pid, string config, string @namespace);

        [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "openvpn (pid {Pid}) exited with {ExitCode}")]
        public static partial void Stopped(ILogger logger, int pid, int exitCode);

        [LoggerMessage(EventId = 4302, Level = LogLevel.Debug, Message = "openvpn: {Line}")]
        public static partial void Output(ILogger logger, string line);

        [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "Ending openvpn pid {Pid} left running by an earlier gateway")]
        public static partial void EndingLeftover(ILogger logger, int pid);
    }
}
