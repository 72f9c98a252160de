using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Skyhook.Bench;

/// <summary>
/// The probe of the propagation benchmark, run inside a desktop namespace: a new TCP connection to
/// ADDRESS:PORT every <see cref="Interval"/>, several in flight, each given <see cref="Timeout"/> to
/// connect. An attempt is answered when it connects or is refused (the target's kernel sent a reset:
/// the SYN got there and the answer came back), unanswered when it times out or fails otherwise.
/// Outcomes are judged in the order the attempts started and dated at their start (wall clock, Unix
/// ms, so that another process on this machine can compare it with its own clock): a SYN sent after
/// the gateway changed its table, so the timeout does not delay the date. One answered attempt makes
/// the state open: no answer can come through a table that drops the SYN. Closed takes
/// <see cref="Confirm"/> unanswered attempts in a row, dated at the first, because a stalled tunnel
/// (userspace openvpn on a busy machine) loses a few attempts too. Prints one line per event on stdout:
/// <code>
/// state UNIX_MS open|closed     the first state, then each flip
/// glitch UNIX_MS closed         fewer than Confirm unanswered attempts in a row while open
/// done ATTEMPTS SECONDS CONNECTED REFUSED TIMED_OUT OTHER   when stdin closes (then it exits)
/// </code>
/// Connections that connect are reset at once (linger 0): no TIME_WAIT piles up on the desktop.
/// </summary>
public sealed class ReachabilityProbe
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(100);
    public const int Confirm = 3;

    private readonly IPEndPoint _target;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, (double StartedMs, Outcome Outcome)> _finished = [];
    private readonly long[] _counts = new long[Enum.GetValues<Outcome>().Length];
    private long _nextToJudge;
    private bool? _open;
    private bool _runOpen;
    private int _runLength;
    private double _runStartedMs;

    private ReachabilityProbe(IPEndPoint target) => _target = target;

    private enum Outcome
    {
        Connected,
        Refused,
        TimedOut,
        Other,
    }

    /// <summary>Probes until stdin closes (the orchestrator ends or dies), then prints the counts.</summary>
    public static async Task RunAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        var probe = new ReachabilityProbe(target);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stdinClosed = Task.Run(async () =>
        {
            using var input = Console.OpenStandardInput();
            await input.CopyToAsync(Stream.Null, stop.Token);
            await stop.CancelAsync();
        }, CancellationToken.None);

        var attempts = new List<Task>();
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(Interval);
        long sequence = 0;
        try
        {
            do
            {
                attempts.Add(probe.AttemptAsync(sequence++));
                if (attempts.Count > 1000)
                {
                    attempts.RemoveAll(a => a.IsCompleted);
                }
            }
            while (await timer.WaitForNextTickAsync(stop.Token));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(attempts);
        await stdinClosed;
        var c = probe._counts;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done {sequence} {seconds:F1} {c[0]} {c[1]} {c[2]} {c[3]}"));
    }

    private async Task AttemptAsync(long sequence)
    {
        var startedMs = NowUnixMs();
        Outcome outcome;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { LingerState = new LingerOption(true, 0) };
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await socket.ConnectAsync(_target, timeout.Token);
            outcome = Outcome.Connected;
        }
        catch (OperationCanceledException)
        {
            outcome = Outcome.TimedOut;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            outcome = Outcome.Refused;
        }
        catch (SocketException)
        {
            // Unreachable (an ICMP error, or the tunnel is down): not connected either.
            outcome = Outcome.Other;
        }
        Judge(sequence, startedMs, outcome);
    }

    /// <summary>Takes finished attempts in the order they started, whatever order they finished in.</summary>
    private void Judge(long sequence, double startedMs, Outcome outcome)
    {
        lock (_lock)
        {
            _counts[(int)outcome]++;
            _finished[sequence] = (startedMs, outcome);
            while (_finished.Remove(_nextToJudge, out var next))
            {
                _nextToJudge++;
                Observe(next.StartedMs, next.Outcome is Outcome.Connected or Outcome.Refused);
            }
        }
    }

    // Under the lock.
    private void Observe(double startedMs, bool open)
    {
        if (open == _open)
        {
            if (_runLength > 0)
            {
                Print("glitch", _runStartedMs, _runOpen);
                _runLength = 0;
            }
            return;
        }
        if (_runLength == 0 || _runOpen != open)
        {
            _runOpen = open;
            _runStartedMs = startedMs;
            _runLength = 0;
        }
        if (++_runLength == (open ? 1 : Confirm))
        {
            _open = open;
            _runLength = 0;
            Print("state", _runStartedMs, open);
        }
    }

    private static void Print(string kind, double unixMs, bool open) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind} {unixMs:F1} {(open ? "open" : "closed")}"));

    public static double NowUnixMs() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalMilliseconds;
}
