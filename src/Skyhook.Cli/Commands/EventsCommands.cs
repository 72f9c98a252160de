using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Skyhook.Cli.Api;
using Skyhook.Cli.Output;
using Skyhook.Core.Contracts;
using Skyhook.Core.Formatting;

namespace Skyhook.Cli.Commands;

/// <summary>`skyhook events`: what users did through the gateways (and the audit trail), filtered, as CSV, or followed.</summary>
public static partial class EventsCommands
{
    private const int MaxLimit = 1000;

    // The controller waits at most 30 s; the client's timeout is 30 s.
    private const int FollowWaitSeconds = 25;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static Command Create()
    {
        var controller = CommonOptions.Controller();
        var json = CommonOptions.Json();
        var kind = new Option<string>("--kind") { Description = $"Only events of this kind: {string.Join(", ", EventKinds.All)}." };
        var user = new Option<string>("--user") { Description = "Only this user's events (audit: the admin who acted)." };
        var container = new Option<string>("--container") { Description = "Only events about this container or swarm service (exact name)." };
        var verdict = new Option<string>("--verdict") { Description = "allowed or denied." };
        var gateway = new Option<string>("--gateway") { Description = "Only events this gateway sent." };
        var since = new Option<string>("--since") { Description = "Events at or after: a duration back from now (90s, 30m, 1h, 24h, 7d) or an ISO 8601 time." };
        var until = new Option<string>("--until") { Description = "Events at or before: a duration back from now or an ISO 8601 time." };
        var limit = new Option<int?>("--limit") { Description = $"How many of the newest events, 1 to {MaxLimit} (default 100)." };
        var csv = new Option<bool>("--csv") { Description = "Print CSV (every field), for spreadsheets." };
        var follow = new Option<bool>("--follow", "-f") { Description = "After the newest events, keep printing new ones as they arrive, until Ctrl+C (--json: one object per line)." };
        var events = new Command("events", "Sessions, connections, DNS lookups and web requests through the gateways, and admins' changes: newest first, or followed.")
        {
            kind, user, container, verdict, gateway, since, until, limit, csv, follow, controller, json,
        };
        events.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var now = DateTimeOffset.UtcNow;
            var query = new List<string>();
            Add(query, "kind", OneOf("--kind", result.GetValue(kind), EventKinds.All));
            Add(query, "user", result.GetValue(user));
            Add(query, "container", result.GetValue(container));
            Add(query, "verdict", OneOf("--verdict", result.GetValue(verdict), [Verdicts.Allowed, Verdicts.Denied]));
            Add(query, "gateway", result.GetValue(gateway));
            Add(query, "from", Time("--since", result.GetValue(since), now));
            Add(query, "to", Time("--until", result.GetValue(until), now));
            if (result.GetValue(limit) is { } count)
            {
                Add(query, "limit", count is >= 1 and <= MaxLimit
                    ? count.ToString(CultureInfo.InvariantCulture)
                    : throw new ApiException(string.Create(CultureInfo.InvariantCulture, $"--limit {count} is not between 1 and {MaxLimit}")));
            }

            var asCsv = result.GetValue(csv);
            var asJson = result.GetValue(json);
            var following = result.GetValue(follow);
            if (asCsv && (asJson || following))
            {
                throw new ApiException(asJson ? "--csv and --json are two formats: give one" : "--csv does not follow: use --follow with --json (one object per line) or the table");
            }

            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            if (asCsv)
            {
                Console.Write(await client.GetTextAsync(Path(query, "format=csv"), cancellationToken));
                return;
            }

            var newest = await client.GetAsync(Path(query), cancellationToken);
            if (!following)
            {
                if (asJson)
                {
                    CommonOptions.WriteJson(newest);
                }
                else
                {
                    Console.Write(Listing(result.GetValue(kind), newest.EnumerateArray()));
                }

                return;
            }

            await FollowAsync(client, query, newest, asJson, cancellationToken);
        }));
        return events;
    }

    /// <summary>The newest page oldest first, then each new event as it arrives, one line each, until cancelled.</summary>
    private static async Task FollowAsync(ControllerClient client, List<string> query, JsonElement newest, bool asJson, CancellationToken cancellationToken)
    {
        var follow = query.Where(q => !q.StartsWith("limit=", StringComparison.Ordinal)).ToList();
        var last = 0L;
        void Print(IEnumerable<JsonElement> batch)
        {
            foreach (var e in batch)
            {
                Console.WriteLine(asJson ? JsonSerializer.Serialize(e) : Line(e));
                last = Math.Max(last, e.GetProperty("id").GetInt64());
            }

            Console.Out.Flush();
        }

        Print(newest.EnumerateArray().Reverse());
        try
        {
            while (true)
            {
                var path = Path(follow, string.Create(CultureInfo.InvariantCulture, $"after={last}&wait={FollowWaitSeconds}&limit={MaxLimit}"));
                Print((await client.GetAsync(path, cancellationToken)).EnumerateArray());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the end of following, not an error.
        }
    }

    /// <summary>A table with the columns of <paramref name="kind"/> (the console's), or time, kind, user, verdict and a summary for mixed kinds.</summary>
    private static string Listing(string? kind, IEnumerable<JsonElement> events)
    {
        var columns = EventColumns.For(kind?.Trim().ToLowerInvariant());
        var table = new Table(["ID", .. columns.Select(c => c.Header.ToUpperInvariant())]);
        foreach (var e in events)
        {
            var telemetry = Telemetry(e);
            table.Add([e.Text("id"), .. columns.Select(c => c.Value(telemetry))]);
        }

        return table.ToString();
    }

    /// <summary>One event on one line, whatever its kind: for following.</summary>
    private static string Line(JsonElement e)
    {
        var telemetry = Telemetry(e);
        var at = telemetry.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return string.Join("  ", new[] { at, telemetry.Kind, telemetry.User ?? "-", telemetry.Verdict ?? "-", EventColumns.Summary(telemetry) });
    }

    // The API's event is the wire record flat with its id and gateway: the same names. Audit events
    // have no sequence (null), which the record's number cannot hold.
    private static TelemetryEvent Telemetry(JsonElement e)
    {
        var node = JsonNode.Parse(e.GetRawText())!.AsObject();
        node["sequence"] ??= 0;
        return node.Deserialize<TelemetryEvent>(Web) ?? throw new ApiException("the controller sent an empty event");
    }

    private static string? OneOf(string flag, string? value, IReadOnlyList<string> allowed)
    {
        if (value is null)
        {
            return null;
        }

        var normalized = value.Trim().ToLowerInvariant();
        return allowed.Contains(normalized) ? normalized : throw new ApiException($"{flag} '{value}' is not one of: {string.Join(", ", allowed)}");
    }

    /// <summary>A duration back from <paramref name="now"/> (<c>90s</c>, <c>30m</c>, <c>1h</c>, <c>7d</c>) or an ISO 8601 time (UTC when it has no zone), as ISO 8601.</summary>
    private static string? Time(string flag, string? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Trim();
        if (DurationPattern().Match(text) is { Success: true } match
            && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount <= 100_000)
        {
            var back = match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
            return Iso(now - back);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return Iso(at);
        }

        throw new ApiException($"{flag} '{value}' is not a duration such as 30m, 1h, 24h or 7d, nor an ISO 8601 time such as 2025-06-01T08:00:00Z");
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void Add(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            query.Add(name + "=" + Uri.EscapeDataString(value.Trim()));
        }
    }

    private static string Path(List<string> query, string? extra = null)
    {
        var all = extra is null ? query : [.. query, extra];
        return all.Count == 0 ? "/api/v1/events" : "/api/v1/events?" + string.Join('&', all);
    }

    [GeneratedRegex("^([0-9]+)([smhd])$")]
    private static partial Regex DurationPattern();
}
