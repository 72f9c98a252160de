using System.Diagnostics;
using System.Text;

namespace Skyhook.Gateway.Tests.Policy;

/// <summary>
/// A TCP connection held open by busybox <c>nc</c> in a client namespace, to an echo server: a line
/// written to it comes back when, and only when, the connection carries data both ways.
/// </summary>
internal sealed class ConntrackEchoClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _received = new();
    private readonly Task _reader;

    private ConntrackEchoClient(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    public static ConntrackEchoClient Start(string networkNamespace, string address, int port)
    {
        var startInfo = new ProcessStartInfo("nsenter")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
        };
        foreach (var argument in new[] { "--net=/run/netns/" + networkNamespace, "busybox", "nc", address, port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(argument);
        }

        return new ConntrackEchoClient(Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start nsenter"));
    }

    /// <summary>Writes <paramref name="line"/> and waits up to <paramref name="within"/> for it to come back.</summary>
    public async Task<bool> EchoesAsync(string line, TimeSpan within, CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            return false;
        }

        await _process.StandardInput.WriteAsync((line + "\n").AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (Received.Contains(line + "\n", StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(20, cancellationToken);
        }

        return Received.Contains(line + "\n", StringComparison.Ordinal);
    }

    public string Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToString();
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
            }

            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Already reaped.
        }

        await _reader.WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardOutput.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            lock (_received)
            {
                _received.Append(buffer, 0, read);
            }
        }
    }
}
