using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Skyhook.Linux;

namespace Skyhook.Bench;

/// <summary>One line of the probe: the first state or a flip ("state"), or a short disagreement ("glitch"); <see cref="ReachabilityProbe"/>.</summary>
public readonly record struct ProbeEvent(bool Glitch, double UnixMs, bool Open);

/// <summary>
/// This benchmark's own build run as <see cref="ReachabilityProbe"/> inside a network namespace
/// (nsenter), its lines read as <see cref="ProbeEvent"/>s. Closing its stdin ends it.
/// </summary>
public sealed class ProbeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<ProbeEvent> _events = Channel.CreateUnbounded<ProbeEvent>();
    private readonly TaskCompletionSource<string> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;

    private ProbeProcess(Process process)
    {
        _process = process;
        _reading = ReadAsync();
        _ = ForwardErrorsAsync();
    }

    public ChannelReader<ProbeEvent> Events => _events.Reader;

    public static ProbeProcess Start(string networkNamespace, IPEndPoint target)
    {
        var spec = new ProcessSpec(
            Environment.ProcessPath!,
            [typeof(ProbeProcess).Assembly.Location, "0", "probe", target.Address.ToString(), target.Port.ToString(CultureInfo.InvariantCulture)])
            .InNetworkNamespace(networkNamespace);
        var start = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in spec.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return new ProbeProcess(Process.Start(start) ?? throw new InvalidOperationException("the probe did not start: " + spec.Describe()));
    }

    /// <summary>Ends the probe and returns its last line: "done ATTEMPTS SECONDS CONNECTED TIMED_OUT REFUSED OTHER".</summary>
    public async Task<string> StopAsync(CancellationToken cancellationToken)
    {
        _process.StandardInput.Close();
        await _reading.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        await _process.WaitForExitAsync(cancellationToken);
        return _done.Task.IsCompleted ? await _done.Task : throw new InvalidOperationException($"the probe exited ({_process.ExitCode}) without its counts");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                var words = line.Split(' ');
                if (words[0] == "done")
                {
                    _done.TrySetResult(line);
                }
                else if (words is ["state" or "glitch", var unixMs, "open" or "closed"])
                {
                    await _events.Writer.WriteAsync(new ProbeEvent(words[0] == "glitch", double.Parse(unixMs, CultureInfo.InvariantCulture), words[2] == "open"));
                }
                else
                {
                    throw new InvalidDataException("the probe printed an unknown line: " + line);
                }
            }
            _events.Writer.TryComplete(new InvalidOperationException("the probe ended"));
        }
        catch (Exception ex)
        {
            _events.Writer.TryComplete(ex);
        }
    }

    private async Task ForwardErrorsAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            await Console.Error.WriteLineAsync("probe: " + line);
        }
    }
}
