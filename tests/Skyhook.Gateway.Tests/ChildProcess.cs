using System.Diagnostics;

namespace Skyhook.Gateway.Tests;

/// <summary>
/// A long-running test child (an openvpn server or client) started from an argument list, never a
/// shell string; its output goes to its own --log file. Disposing kills it and waits for it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"cannot start {fileName}");
        // No terminal and no input: a child that wants to prompt fails instead of hanging.
        process.StandardInput.Close();
        return new ChildProcess(process);
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // SIGTERM first: an openvpn client then tells the server it is leaving, so no session
            // of one test lingers (until the keepalive timeout) into the next.
            if (!_process.HasExited)
            {
                Skyhook.Linux.Posix.Signal(_process.Id, Skyhook.Linux.Posix.SigTerm);
            }
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(3), CancellationToken.None))
            {
                _process.Kill(entireProcessTree: true);
                await WaitForExitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
    }
}
