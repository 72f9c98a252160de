using Skyhook.Controller.Events;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Tests.Export;

/// <summary>One stored event of each kind, with the fields that kind sets.</summary>
internal static class SampleEvents
{
    public static readonly DateTimeOffset At = new(2025, 3, 1, 12, 0, 0, 500, TimeSpan.Zero);

    public const string SessionId = "0123456789abcdef0123456789abcdef";

    public static readonly StoredEvent Connect = new(1, "gw1", new TelemetryEvent(
        11, EventKinds.Session, At, "alice", "192.168.43.10", SessionId, Action: SessionActions.Connect,
        PublicAddress: "203.0.113.5", ClientVersion: "2.6.9"));

    public static readonly StoredEvent Refused = new(2, "gw1", new TelemetryEvent(
        12, EventKinds.Session, At, "mallory", null, Action: SessionActions.Refused,
        PublicAddress: "203.0.113.66", Reason: "wrong one-time code"));

    public static readonly StoredEvent Flow = new(3, "gw1", new TelemetryEvent(
        13, EventKinds.Flow, At, "alice", "192.168.43.10", SessionId, Verdict: Verdicts.Allowed,
        Rule: "profile dev: rule 1", Protocol: "tcp", Destination: "10.0.0.12", Port: 80, Container: "web1",
        Ended: At.AddSeconds(3), BytesFromClient: 100, BytesToClient: 2000, PacketsFromClient: 3, PacketsToClient: 4));

    public static readonly StoredEvent DeniedFlow = new(4, "gw2", new TelemetryEvent(
        14, EventKinds.Flow, At, "bob", "192.168.44.7", Verdict: Verdicts.Denied, Rule: "profile ops: base policy deny",
        Protocol: "udp", Destination: "fd00::5", Port: 53, PacketsFromClient: 1));

    public static readonly StoredEvent Dns = new(5, "gw1", new TelemetryEvent(
        15, EventKinds.Dns, At, "alice", "192.168.43.10", Verdict: Verdicts.Allowed, Container: "web1", Service: "shop_web",
        Name: "web1.apps.internal", QueryType: "A", ResultCode: "NOERROR", Answer: "10.0.0.12"));

    public static readonly StoredEvent Web = new(6, "gw1", new TelemetryEvent(
        16, EventKinds.Web, At, "alice", "192.168.43.10", Verdict: Verdicts.Allowed, Protocol: "tcp", Destination: "10.0.0.12",
        Port: 80, Container: "web1", Name: "web1", Method: "GET", Path: "/orders?id=7", Scheme: "http"));

    public static readonly StoredEvent Audit = new(7, null, new TelemetryEvent(
        0, EventKinds.Audit, At, "admin", null, Action: "users.update", Name: "alice"));

    public static readonly IReadOnlyList<StoredEvent> All = [Connect, Refused, Flow, DeniedFlow, Dns, Web, Audit];
}
