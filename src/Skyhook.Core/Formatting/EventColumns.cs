using System.Globalization;
using Skyhook.Core.Contracts;

namespace Skyhook.Core.Formatting;

/// <summary>
/// What a listing of events shows, per kind: the console's activity pages and `skyhook events` use
/// the same columns, so that both answer the same question the same way. Mixed kinds get one line
/// each (<see cref="Summary"/>). Plain text only: the console encodes it, the terminal prints it.
/// </summary>
public static class EventColumns
{
    private static readonly EventColumn Time = new("Time", e => e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    private static readonly EventColumn User = new("User", e => e.User);
    private static readonly EventColumn VpnAddress = new("VPN address", e => e.VpnAddress);
    private static readonly EventColumn Verdict = new("Verdict", e => e.Verdict);
    private static readonly EventColumn Container = new("Container", ContainerText);
    private static readonly EventColumn Traffic = new("Bytes ↑/↓", e => e.BytesFromClient is null && e.BytesToClient is null
        ? null
        : $"{ByteSize.Format(e.BytesFromClient ?? 0)} / {ByteSize.Format(e.BytesToClient ?? 0)}");
    private static readonly EventColumn Duration = new("Duration", e => e.Ended is { } ended ? DurationText(ended - e.At) : null);

    private static readonly EventColumn[] Flow =
    [
        Time, User, VpnAddress, new("Protocol", e => e.Protocol), new("Destination", e => e.Destination), new("Port", e => Number(e.Port)),
        Container, Verdict, new("Rule", e => e.Rule), Traffic, Duration,
    ];

    private static readonly EventColumn[] Dns =
    [
        Time, User, new("Name", e => e.Name), new("Type", e => e.QueryType), new("Result", e => e.ResultCode), new("Answer", e => e.Answer),
        Container, Verdict,
    ];

    private static readonly EventColumn[] Web =
    [
        Time, User, new("Method", e => e.Method), new("Scheme", e => e.Scheme), new("Host / SNI", e => e.Name), new("Path", e => e.Path),
        new("Destination", e => Endpoint(e.Destination, e.Port)), Container, Verdict,
    ];

    private static readonly EventColumn[] Session =
    [
        Time, User, new("Action", e => e.Action), VpnAddress, new("Public address", e => e.PublicAddress), new("Client version", e => e.ClientVersion),
        Duration, Traffic, new("Reason", e => e.Reason),
    ];

    private static readonly EventColumn[] Mixed = [Time, new("Kind", e => e.Kind), User, Verdict, new("What", Summary)];

    /// <summary>The columns for events of <paramref name="kind"/>; for mixed kinds (null) or audit, time, kind, user, verdict and a summary.</summary>
    public static IReadOnlyList<EventColumn> For(string? kind) => kind switch
    {
        EventKinds.Flow => Flow,
        EventKinds.Dns => Dns,
        EventKinds.Web => Web,
        EventKinds.Session => Session,
        _ => Mixed,
    };

    /// <summary>One line saying what the event was, whatever its kind.</summary>
    public static string Summary(TelemetryEvent e) => e.Kind switch
    {
        EventKinds.Flow => Join(e.Protocol, Endpoint(e.Destination, e.Port), ContainerText(e), e.Rule is null ? null : "· " + e.Rule),
        EventKinds.Dns => Join(e.QueryType, e.Name, e.ResultCode is null ? null : "→ " + e.ResultCode, e.Answer),
        EventKinds.Web => e.Method is null
            ? Join(e.Scheme, e.Name, Endpoint(e.Destination, e.Port), ContainerText(e))
            : Join(e.Method, $"{e.Scheme}://{e.Name}{e.Path}", ContainerText(e)),
        EventKinds.Session => Join(e.Action, e.VpnAddress, e.PublicAddress is null ? null : "from " + e.PublicAddress, e.Reason),
        _ => Join(e.Action, e.Name, e.PublicAddress is null ? null : "from " + e.PublicAddress),
    };

    /// <summary>"3.2s", "4m 05s", "2h 10m": how long a connection or a session lasted.</summary>
    public static string DurationText(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        return duration.TotalSeconds < 60 ? duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s"
            : duration.TotalHours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m {duration.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h {duration.Minutes:00}m");
    }

    private static string? ContainerText(TelemetryEvent e) => (e.Container, e.Service) switch
    {
        (null, null) => null,
        ({ } container, null) => container,
        (null, { } service) => service,
        ({ } container, { } service) => container.StartsWith(service + ".", StringComparison.Ordinal) ? container : $"{container} ({service})",
    };

    private static string? Endpoint(string? address, int? port) =>
        address is null ? null : port is { } p ? (address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{Number(p)}" : $"{address}:{Number(p)}") : address;

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string Join(params string?[] parts) => string.Join(' ', parts.Where(p => !string.IsNullOrEmpty(p)));
}
