using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Skyhook.Core.Identity;

namespace Skyhook.Bench;

/// <summary>
/// Issue 6: from a profile change through the API to its enforcement on the gateway, measured by
/// traffic. Reads what `skyhook lab demo --json` printed (stdin), signs in as the demo's admin once,
/// runs <see cref="ReachabilityProbe"/> in the desktop's namespace against web1 tcp <see cref="Port"/>
/// through the gateway, and alternates the demo user's profile between allow-all with
/// <c>deny cidr WEB1/32 tcp PORT</c> (closing) and allow-all without rules (opening) with
/// <c>PUT /api/v1/profiles/NAME</c>: a CIDR target, so that container discovery is not part of the
/// measurement. Each change is timed from just before its PUT (after the GET for the ETag) to the
/// probe's flip. Prints the body of the docs/BENCHMARKS.md section; bench/propagation.sh adds the
/// heading and the machine.
/// </summary>
public sealed partial class PropagationBenchmarks
{
    /// <summary>
    /// A port nothing listens on in web1: its kernel answers every SYN with a reset at once. The
    /// demo's 8080 has busybox httpd behind it, whose listen backlog of 9 overflowed at the probe's
    /// rate on a busy 2-core machine (web1 itself dropped 1 % to 18 % of the SYNs: timeouts the probe
    /// cannot tell from the gateway's drop).
    /// </summary>
    private const int Port = 8081;
    private static readonly TimeSpan FlipTimeout = TimeSpan.FromSeconds(10);

    /// <summary>After a change missed <see cref="FlipTimeout"/>: how much longer to wait before calling it not enforced at all.</summary>
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(20);

    private readonly HttpClient _api;
    private readonly string _profilePath;
    private readonly string _web1;
    private readonly ProbeProcess _probe;
    private bool? _open;
    private int _glitches;
    private int _strayFlips;

    private PropagationBenchmarks(HttpClient api, string profile, string web1, ProbeProcess probe)
    {
        _api = api;
        _profilePath = "/api/v1/profiles/" + Uri.EscapeDataString(profile);
        _web1 = web1;
        _probe = probe;
    }

    /// <param name="pause">Seconds between a flip and the next change, drawn at random from a range such as <c>0.5-1.5</c>.</param>
    public static async Task PrintAsync(int changes, string pause, TextReader demoJson, CancellationToken cancellationToken)
    {
        var range = pause.Split('-');
        var (pauseMin, pauseMax) = (TimeSpan.FromSeconds(double.Parse(range[0], CultureInfo.InvariantCulture)), TimeSpan.FromSeconds(double.Parse(range[^1], CultureInfo.InvariantCulture)));
        var demo = JsonDocument.Parse(await demoJson.ReadToEndAsync(cancellationToken)).RootElement.GetProperty("demo");
        var admin = demo.GetProperty("admin");
        var user = demo.GetProperty("user").GetProperty("name").GetString()!;
        var desktop = demo.GetProperty("desktop").GetProperty("namespace").GetString()!;
        var gatewayLog = demo.GetProperty("gateway").GetProperty("log").GetString()!;
        var web1 = demo.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "web1").GetProperty("overlayAddress").GetString()!;

        using var api = await SignInAsync(
            new Uri(demo.GetProperty("controllerUrl").GetString()!),
            admin.GetProperty("name").GetString()!,
            admin.GetProperty("password").GetString()!,
            admin.GetProperty("totpSecret").GetString()!,
            cancellationToken);
        var profile = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/users/{Uri.EscapeDataString(user)}", cancellationToken)).GetProperty("profile").GetString()
            ?? throw new InvalidOperationException($"the demo user {user} has no profile");
        var logStart = new FileInfo(gatewayLog).Length;

        await using var probe = ProbeProcess.Start(desktop, new IPEndPoint(IPAddress.Parse(web1), Port));
        var bench = new PropagationBenchmarks(api, profile, web1, probe);
        var (closing, opening, putMs) = await bench.RunAsync(changes, pauseMin, pauseMax, cancellationToken);
        var counts = (await probe.StopAsync(cancellationToken)).Split(' ');

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Changes: `PUT /api/v1/profiles/{profile}` (the profile of {user}, connected from {desktop}), alternating allow-all with `{DenyRule(web1)}` (closing) "
            + $"and allow-all without rules (opening), {changes} in all, each timed from just before its PUT (after the GET for the ETag) to the probe's flip, "
            + $"then a pause of {pauseMin.TotalSeconds} to {pauseMax.TotalSeconds} s. No flip within {FlipTimeout.TotalSeconds:0} s counts as a failure; a flip dated before the PUT (a stalled tunnel) makes the change void."));
        Console.WriteLine();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Probe: from {desktop} through the tunnel to web1 ({web1}) tcp {Port}, a new connection every {ReachabilityProbe.Interval.TotalMilliseconds:0} ms "
            + $"({double.Parse(counts[1], CultureInfo.InvariantCulture) / double.Parse(counts[2], CultureInfo.InvariantCulture):0} attempts a second achieved, {counts[1]} in all), "
            + $"each given {ReachabilityProbe.Timeout.TotalMilliseconds:0} ms to connect. Nothing listens on that port: web1's kernel answers a reset, the gateway's table drops the SYN. "
            + $"Open from the first answered attempt, closed after {ReachabilityProbe.Confirm} unanswered in a row, dated at the start of the first: resolution one interval. "
            + $"Outcomes: {counts[3]} connected, {counts[4]} refused, {counts[5]} timed out, {counts[6]} other errors; "
            + $"{bench._glitches} glitches (fewer than {ReachabilityProbe.Confirm} unanswered while open), {bench._strayFlips} flips no change asked for."));
        Console.WriteLine();
        Console.WriteLine($"| direction | changes | p50 ms | p90 ms | p99 ms | max ms | failures (no flip within {FlipTimeout.TotalSeconds:0} s) | void |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var direction in new[] { closing, opening })
        {
            var sorted = direction.Latencies.Order().ToArray();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {direction.Name} | {sorted.Length + direction.Failures + direction.Void} | {Percentile(sorted, 0.50):F0} | {Percentile(sorted, 0.90):F0} | {Percentile(sorted, 0.99):F0} | {Percentile(sorted, 1):F0} | {direction.Failures} | {direction.Void} |"));
        }
        Console.WriteLine();
        var puts = putMs.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The PUT alone (request to answer, the controller's commit included): p50 {Percentile(puts, 0.5):F0} ms, max {Percentile(puts, 1):F0} ms."));
        Console.WriteLine();
        Console.WriteLine(GatewayLogSummary(gatewayLog, logStart));
    }

    private async Task<(Direction Closing, Direction Opening, List<double> PutMs)> RunAsync(int changes, TimeSpan pauseMin, TimeSpan pauseMax, CancellationToken cancellationToken)
    {
        if (await NextStateAsync(FlipTimeout, cancellationToken) is null)
        {
            throw new InvalidOperationException($"the probe judged no attempt to web1 within {FlipTimeout.TotalSeconds} s");
        }
        if (_open == false)
        {
            // Closed already (the profile denies the port): opened first, not counted.
            await PutAsync(closed: false, await ReadETagAsync(cancellationToken), cancellationToken);
            await RequireStateAsync(open: true, "after opening it before the first change", cancellationToken);
        }

        var (closingChanges, openingChanges) = (new Direction("closing (deny added)"), new Direction("opening (deny removed)"));
        var putMs = new List<double>();
        for (var change = 1; change <= changes; change++)
        {
            var closing = change % 2 == 1;
            var direction = closing ? closingChanges : openingChanges;
            await RequireStateAsync(open: closing, $"before change {change}", cancellationToken);
            var etag = await ReadETagAsync(cancellationToken);
            var asked = ReachabilityProbe.NowUnixMs();
            await PutAsync(closing, etag, cancellationToken);
            putMs.Add(ReachabilityProbe.NowUnixMs() - asked);
            var flipped = await WaitForAsync(open: !closing, FlipTimeout, cancellationToken);
            string outcome;
            if (flipped is null)
            {
                direction.Failures++;
                outcome = $"no flip within {FlipTimeout.TotalSeconds} s";
            }
            else if (flipped < asked)
            {
                // Only a stalled tunnel closes before the change: the change itself went unseen.
                direction.Void++;
                outcome = $"void, the probe flipped {asked - flipped:F0} ms before the PUT";
            }
            else
            {
                direction.Latencies.Add(flipped.Value - asked);
                outcome = $"{flipped.Value - asked:F0} ms";
            }
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"change {change}, {direction.Name}, PUT at {asked:F0}: {outcome}"));
            if (flipped is null)
            {
                await RequireStateAsync(open: !closing, $"{GiveUpAfter.TotalSeconds} s after change {change}", cancellationToken);
            }
            await Task.Delay(pauseMin + ((pauseMax - pauseMin) * Random.Shared.NextDouble()), cancellationToken);
        }
        return (closingChanges, openingChanges, putMs);
    }

    private async Task<EntityTagHeaderValue> ReadETagAsync(CancellationToken cancellationToken)
    {
        using var read = await _api.GetAsync(_profilePath, cancellationToken);
        read.EnsureSuccessStatusCode();
        return read.Headers.ETag ?? throw new InvalidOperationException($"GET {_profilePath} sent no ETag");
    }

    private async Task PutAsync(bool closed, EntityTagHeaderValue etag, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, _profilePath)
        {
            Content = JsonContent.Create(new
            {
                basePolicy = "allow-all",
                rules = closed ? new[] { new { action = "deny", target = $"cidr {_web1}/32", protocol = "tcp", ports = new[] { Port.ToString(CultureInfo.InvariantCulture) } } } : [],
            }),
        };
        request.Headers.IfMatch.Add(etag);
        using var response = await _api.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {_profilePath} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Waits until the probe's state is <paramref name="open"/>; stops the benchmark when it does not come: the change was not enforced at all.</summary>
    private async Task RequireStateAsync(bool open, string when, CancellationToken cancellationToken)
    {
        while (_probe.Events.TryRead(out var pending))
        {
            Take(pending);
        }
        if (_open != open && await WaitForAsync(open, GiveUpAfter, cancellationToken) is null)
        {
            throw new InvalidOperationException(
                $"web1:{Port} is still {(open ? "closed" : "open")} to the probe {when} (waited {GiveUpAfter.TotalSeconds} s): the change is not enforced; see the gateway's log");
        }
    }

    /// <summary>The time of the probe's next flip to <paramref name="open"/>, or null when none came within <paramref name="timeout"/>.</summary>
    private async Task<double?> WaitForAsync(bool open, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (await NextStateAsync(deadline.Token) is { } flip)
        {
            if (flip.Open == open)
            {
                return flip.UnixMs;
            }
            _strayFlips++;
        }
        return null;
    }

    private async Task<ProbeEvent?> NextStateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        return await NextStateAsync(deadline.Token);
    }

    /// <summary>The next state line of the probe (glitches counted on the way), or null when <paramref name="deadline"/> passes.</summary>
    private async Task<ProbeEvent?> NextStateAsync(CancellationToken deadline)
    {
        try
        {
            while (true)
            {
                if (Take(await _probe.Events.ReadAsync(deadline)) is { } state)
                {
                    return state;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return null;
        }
    }

    private ProbeEvent? Take(ProbeEvent probed)
    {
        if (probed.Glitch)
        {
            _glitches++;
            return null;
        }
        _open = probed.Open;
        return probed;
    }

    private static async Task<HttpClient> SignInAsync(Uri controller, string name, string password, string secret, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = controller };
        var totp = new Totp(TimeProvider.System);
        // A code is accepted once: the demo's own sign-in may have used this step's. Then the next one.
        for (var attempt = 0; ; attempt++)
        {
            var step = totp.GetCurrentTimeStep();
            var code = totp.Compute(Base32.Decode(secret), step);
            using var response = await http.PostAsJsonAsync("/api/v1/auth/login", new { name, password, code, tokenName = "bench-propagation" }, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var token = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return http;
            }
            if (attempt == 2 || response.StatusCode != HttpStatusCode.Unauthorized)
            {
                http.Dispose();
                throw new InvalidOperationException($"signing in as {name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
            while (totp.GetCurrentTimeStep() == step)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>
    /// What the gateway logged during the run: its policy table applied (event 4650) by reason, and
    /// per revision the time from that line to the end of the whole state's apply (event 4010: the
    /// other reconcilers, openvpn and overlay, run after the policy), which the next change waits for.
    /// The log's times have whole seconds only.
    /// </summary>
    private static string GatewayLogSummary(string log, long from)
    {
        using var file = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(from, SeekOrigin.Begin);
        using var reader = new StreamReader(file);
        var lines = reader.ReadToEnd().Split('\n');
        var tables = lines.Select(line => TableApplied().Match(line)).Where(m => m.Success).ToList();
        var reasons = string.Join(", ", tables.GroupBy(m => m.Groups["reason"].Value.Split(' ')[0]).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} for {g.Key}"));
        var bytes = tables.Select(m => int.Parse(m.Groups["bytes"].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty().Max();
        var policyAt = tables.Where(m => m.Groups["revision"].Success).ToDictionary(m => m.Groups["revision"].Value, m => Time(m));
        var stateSeconds = lines.Select(line => StateApplied().Match(line))
            .Where(m => m.Success && policyAt.ContainsKey(m.Groups["revision"].Value))
            .Select(m => (Time(m) - policyAt[m.Groups["revision"].Value]).TotalSeconds)
            .Order().ToArray();
        var problems = lines.Count(line => line.Contains(" warn: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Gateway log during the run: \"Policy table applied\" (event 4650) {(reasons.Length == 0 ? "never" : reasons)} (transactions up to {bytes:N0} bytes); "
            + $"from that line to \"Applied desired state\" (event 4010, after openvpn and overlay) of the same revision: p50 {Percentile(stateSeconds, 0.5):0} s, max {Percentile(stateSeconds, 1):0} s (whole seconds); "
            + $"{problems} warnings or errors.");

        static DateTime Time(Match line) => DateTime.ParseExact(line.Groups["time"].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }

    // Nearest rank: with fewer than 100 values p99 is the largest.
    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(quantile * sorted.Length) - 1)];

    private static string DenyRule(string web1) => $"deny cidr {web1}/32 tcp {Port}";

    [GeneratedRegex(@"^(?<time>\S+ \S+) .*\[4650\] Policy table applied for (?<reason>(revision (?<revision>\d+))|.+?): \d+ sessions bound, (?<bytes>\d+) bytes")]
    private static partial Regex TableApplied();

    [GeneratedRegex(@"^(?<time>\S+ \S+) .*\[4010\] Applied desired state revision (?<revision>\d+) ")]
    private static partial Regex StateApplied();

    /// <summary>The changes of one direction: latencies of those measured, and those that were not.</summary>
    private sealed class Direction(string name)
    {
        public string Name { get; } = name;

        public List<double> Latencies { get; } = [];

        public int Failures { get; set; }

        public int Void { get; set; }
    }
}
