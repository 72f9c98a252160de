using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Skyhook.Core.Addressing;
using Skyhook.Linux;

namespace Skyhook.Gateway.Policy;

/// <summary>
/// Cuts the VPN connections that the policy now applied no longer allows. The table accepts
/// <c>ct state established,related</c> before it looks at a profile, so an open connection keeps
/// flowing after a change unless its conntrack entry goes; once it has, the connection's next packet
/// is new to the table and dropped. Call it after the table is applied (and again after every
/// re-apply: it is idempotent, and what one pass failed to cut the next one cuts).
/// </summary>
/// <remarks>
/// One pass, in <c>networkNamespace</c> when one is given: per client pool one <c>conntrack -L -o
/// extended -s NETWORK --mask-src MASK</c>, then, when anything is to go, one <c>conntrack -R -</c>
/// reading one <c>-D</c> filter per client, destination, protocol and port (one per client of an
/// ended session). conntrack-tools 1.4.7 filters in user space: every listing and every <c>-D</c>
/// walks the whole table (about 25 ms of CPU per walk at 10,000 entries here), so a pass costs one
/// walk per pool and one per filter, however many entries a filter covers; the batch saves starting
/// a process per filter. The pool filter still pays: only VPN clients' lines are printed and parsed
/// (about 3 µs a line). Never throws for conntrack's failures: they are logged and reported, and
/// the VPN keeps working.
/// </remarks>
public sealed partial class ConntrackCutter
{
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(30);

    // A base, and per filter ten times the ~25 ms one table walk took at 10,000 entries here.
    private static readonly TimeSpan DeleteTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeleteTimeoutPerFilter = TimeSpan.FromMilliseconds(250);

    private readonly ProcessRunner _runner;
    private readonly ILogger _logger;
    private readonly string? _networkNamespace;
    private bool _skippedLogged;

    /// <param name="networkNamespace">Where the VPN's forwarded connections are tracked: the
    /// namespace of the tunnel device (<c>Gateway:NetworkNamespace</c>, a name under /run/netns or a
    /// path); null for this process's own.</param>
    public ConntrackCutter(ProcessRunner runner, ILogger<ConntrackCutter> logger, string? networkNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(logger);
        _runner = runner;
        _logger = logger;
        _networkNamespace = networkNamespace;
    }

    /// <summary>Lists the tracked connections, judges those of VPN clients against <paramref name="policy"/> and deletes the denied ones.</summary>
    public async Task<ConntrackCutReport> CutAsync(ConntrackPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var started = Stopwatch.GetTimestamp();
        var entries = new List<ConntrackEntry>();
        var skipped = 0;
        string? firstSkipped = null;
        foreach (var pool in policy.ClientPools)
        {
            try
            {
                var listed = await _runner.RunAsync(Conntrack(["-L", "-o", "extended", "-s", pool.Network.ToString(), "--mask-src", Mask(pool)]) with { Timeout = ListTimeout }, cancellationToken);
                var part = ConntrackParser.Parse(listed.StandardOutput);
                entries.AddRange(part.Entries);
                skipped += part.Skipped;
                firstSkipped ??= part.FirstSkipped;
            }
            catch (ProcessFailedException ex)
            {
                Log.ListFailed(_logger, ex.Message);
                return new ConntrackCutReport(0, 0, 0, 0, 0, 0, Stopwatch.GetElapsedTime(started), ex.Message);
            }
        }

        var listing = new ConntrackListing(entries, skipped, firstSkipped);
        Log.Listed(_logger, listing.Entries.Count, policy.ClientPools.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (listing.Skipped > 0)
        {
            // Once per cutter: the count is in every report, and a format conntrack changed would repeat it every pass.
            var level = _skippedLogged ? LogLevel.Debug : LogLevel.Warning;
            _skippedLogged = true;
            Log.Skipped(_logger, level, listing.Skipped, listing.FirstSkipped ?? string.Empty);
        }

        var plan = ConntrackPlan.For(policy, listing.Entries);
        if (plan.Deletions.Count == 0)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            Log.NothingToCut(_logger, listing.Entries.Count, elapsed.TotalMilliseconds);
            return new ConntrackCutReport(listing.Entries.Count, 0, 0, 0, listing.Skipped, 0, elapsed, null);
        }

        foreach (var (deletion, (covered, reason)) in plan.Deletions)
        {
            Log.Cutting(_logger, deletion.ToLine(), covered, reason);
        }

        var (cut, problem) = await DeleteAsync(plan.Deletions.Keys, cancellationToken);
        var failed = problem is null ? 0 : Math.Max(0, plan.Denied - cut);
        var report = new ConntrackCutReport(listing.Entries.Count, plan.Denied, cut, failed, listing.Skipped, plan.Deletions.Count, Stopwatch.GetElapsedTime(started), problem);
        if (problem is null)
        {
            Log.Cut(_logger, cut, plan.Denied, listing.Entries.Count, plan.Deletions.Count, report.Elapsed.TotalMilliseconds);
        }
        else
        {
            Log.DeleteFailed(_logger, plan.Denied, failed, problem);
        }

        return report;
    }

    /// <summary>Sends every filter to one <c>conntrack -R -</c>; answers the entries it printed as deleted, and why it failed.</summary>
    private async Task<(int Cut, string? Problem)> DeleteAsync(IEnumerable<ConntrackDeletion> deletions, CancellationToken cancellationToken)
    {
        var lines = deletions.Select(d => d.ToLine()).ToList();
        var spec = Conntrack(["-R", "-"]) with
        {
            StandardInput = string.Join('\n', lines) + "\n",
            // A filter that matches nothing (the connection ended by itself) is not an error for -R.
            CheckExitCode = false,
            Timeout = DeleteTimeout + (DeleteTimeoutPerFilter * lines.Count),
        };
        try
        {
            var result = await _runner.RunAsync(spec, cancellationToken);
            var cut = ConntrackParser.Parse(result.StandardOutput).Entries.Count;
            return result.Succeeded
                ? (cut, null)
                : (cut, string.Create(CultureInfo.InvariantCulture, $"conntrack -R exited with {result.ExitCode}: {LastLine(result.StandardError)}"));
        }
        catch (ProcessFailedException ex)
        {
            return (0, ex.Message);
        }
    }

    private ProcessSpec Conntrack(IReadOnlyList<string> arguments) =>
        new ProcessSpec("conntrack", arguments).InNetworkNamespace(_networkNamespace);

    /// <summary>The pool's netmask in address form, as <c>--mask-src</c> takes it: 255.255.255.0 for a /24, ffff:ffff:ffff:ffff:: for a /64.</summary>
    private static string Mask(Cidr pool)
    {
        var bytes = new byte[pool.Family == AddressFamily.InterNetwork ? 4 : 16];
        for (var bit = 0; bit < pool.PrefixLength; bit++)
        {
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes).ToString();
    }

    /// <summary>conntrack's last word on standard error: its error, after the per-command counts.</summary>
    private static string LastLine(string text)
    {
        var line = text.AsSpan().Trim();
        line = line[(line.LastIndexOf('\n') + 1)..];
        return line.Length > 300 ? line[..300].ToString() : line.ToString();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4600, Level = LogLevel.Information, Message = "Conntrack: cut {Cut} connections no longer allowed ({Denied} of {Listed} VPN client connections denied, {Filters} delete filters) in {ElapsedMs:0} ms")]
        public static partial void Cut(ILogger logger, int cut, int denied, int listed, int filters, double elapsedMs);

        [LoggerMessage(EventId = 4601, Level = LogLevel.Debug, Message = "Conntrack: all {Listed} VPN client connections are still allowed ({ElapsedMs:0} ms)")]
        public static partial void NothingToCut(ILogger logger, int listed, double elapsedMs);

        [LoggerMessage(EventId = 4602, Message = "Conntrack: {Count} lines of 'conntrack -L -o extended' are not entries this gateway can read; their connections are neither judged nor cut. First: {Sample}")]
        public static partial void Skipped(ILogger logger, LogLevel level, int count, string sample);

        [LoggerMessage(EventId = 4603, Level = LogLevel.Warning, Message = "Conntrack: cannot list the tracked connections, so none is cut this time: {Problem}")]
        public static partial void ListFailed(ILogger logger, string problem);

        [LoggerMessage(EventId = 4604, Level = LogLevel.Warning, Message = "Conntrack: deleting {Denied} connections no longer allowed failed and {Failed} stay open until the next pass: {Problem}")]
        public static partial void DeleteFailed(ILogger logger, int denied, int failed, string problem);

        [LoggerMessage(EventId = 4605, Level = LogLevel.Debug, Message = "Conntrack: {Filter} ({Entries} listed, {Reason})")]
        public static partial void Cutting(ILogger logger, string filter, int entries, ConntrackVerdict reason);

        [LoggerMessage(EventId = 4606, Level = LogLevel.Debug, Message = "Conntrack: listed {Listed} connections of VPN clients ({Pools} client pools) in {ElapsedMs:0} ms")]
        public static partial void Listed(ILogger logger, int listed, int pools, double elapsedMs);
    }
}
