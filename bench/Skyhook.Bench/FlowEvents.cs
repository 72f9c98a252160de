using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Skyhook.Core.Contracts;

namespace Skyhook.Bench;

/// <summary>
/// Allowed flows as <c>FlowRecorder</c> publishes them at a connection's end: 50 users with their
/// sessions, 200 containers of 20 services, the deciding rule in the policy's words, counters both
/// ways. A fixed set, drawn once, so that every scenario and its baseline send the same rows.
/// </summary>
public static class FlowEvents
{
    /// <summary>The spool's line format: the contract's web defaults, nulls left out (EventSpool's options).</summary>
    public static readonly JsonSerializerOptions SpoolJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>4096 distinct flows (sequence 0: the sink numbers them).</summary>
    public static IReadOnlyList<TelemetryEvent> Templates { get; } = Create(4096);

    /// <summary>The flows <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1, numbered so; their time is now.</summary>
    public static TelemetryEvent[] Batch(long first, int count)
    {
        var now = DateTimeOffset.UtcNow;
        var batch = new TelemetryEvent[count];
        for (var i = 0; i < count; i++)
        {
            var template = Templates[(int)((first + i) % Templates.Count)];
            batch[i] = template with { Sequence = first + i, At = now - (template.Ended!.Value - template.At), Ended = now };
        }
        return batch;
    }

    private static TelemetryEvent[] Create(int count)
    {
        var random = new Random(8);
        var start = DateTimeOffset.UtcNow;
        var ports = new[] { 80, 443, 8080, 5432, 6379 };
        var events = new TelemetryEvent[count];
        for (var i = 0; i < count; i++)
        {
            var user = random.Next(50);
            var container = random.Next(200);
            var port = ports[random.Next(ports.Length)];
            var at = start.AddMilliseconds(random.Next(60_000));
            events[i] = new TelemetryEvent(
                0,
                EventKinds.Flow,
                at,
                $"user{user}",
                string.Create(CultureInfo.InvariantCulture, $"10.8.{user / 250}.{user % 250 + 2}"),
                string.Create(CultureInfo.InvariantCulture, $"{user:x8}0123456789abcdef01234567"),
                Verdict: Verdicts.Allowed,
                Rule: string.Create(CultureInfo.InvariantCulture, $"rule 2 (allow service svc{container % 20} tcp {port}) matched in profile developers"),
                Protocol: "tcp",
                Destination: string.Create(CultureInfo.InvariantCulture, $"10.0.{container / 250}.{container % 250 + 2}"),
                Port: port,
                Container: string.Create(CultureInfo.InvariantCulture, $"svc{container % 20}.{container / 20 + 1}.{container:x4}k2m9q7t1v5x3z8b4n6"),
                Service: string.Create(CultureInfo.InvariantCulture, $"svc{container % 20}"),
                Ended: at.AddMilliseconds(random.Next(10, 30_000)),
                BytesFromClient: random.Next(100, 100_000),
                BytesToClient: random.Next(100, 10_000_000),
                PacketsFromClient: random.Next(3, 100),
                PacketsToClient: random.Next(3, 10_000));
        }
        return events;
    }
}
