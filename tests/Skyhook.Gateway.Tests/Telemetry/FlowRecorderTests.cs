using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Policy;
using Skyhook.Gateway.Telemetry;
using Skyhook.Gateway.Vpn;

namespace Skyhook.Gateway.Tests.Telemetry;

public sealed class FlowRecorderTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1795877575);

    [Fact]
    public void Forget_AfterDestroysWereLost_NewConnectionsAreRememberedAgain()
    {
        var (recorder, sink) = Recorder(capacity: 1);

        // The DESTROY of port 40001 never comes (netlink overflow, conntrack restarted): the table is full.
        recorder.Handle(New(1, 40001, Start));
        recorder.Handle(New(2, 40002, Start.AddSeconds(1)));
        Assert.Equal((1, 1L), (recorder.Open, recorder.Unremembered));

        recorder.Forget();
        recorder.Handle(New(3, 40003, Start.AddSeconds(2)));
        recorder.Handle(Destroy(3, 40003, Start.AddSeconds(5), age: null));

        Assert.Equal((0, 1L), (recorder.Open, recorder.Unremembered));
        var flow = Assert.Single(sink.Events);
        Assert.Equal((Start.AddSeconds(2), Start.AddSeconds(5), 326L), (flow.At, flow.Ended!.Value, flow.BytesFromClient!.Value));
    }

    [Fact]
    public void Forget_DestroyOfAForgottenConnection_StartsAtItsAge()
    {
        var (recorder, sink) = Recorder(capacity: 16);
        recorder.Handle(New(1, 40001, Start));

        recorder.Forget();
        recorder.Handle(Destroy(1, 40001, Start.AddSeconds(10), age: 7));

        var flow = Assert.Single(sink.Events);
        Assert.Equal((EventKinds.Flow, Start.AddSeconds(3), Start.AddSeconds(10)), (flow.Kind, flow.At, flow.Ended!.Value));
    }

    private static (FlowRecorder Recorder, RecordingEventSink Sink) Recorder(int capacity)
    {
        var sessions = new VpnSessions();
        sessions.Add(new VpnSession(1, "alice", "dev", IPAddress.Parse("10.8.0.2"), null, DateTimeOffset.UnixEpoch));
        var sink = new RecordingEventSink();
        return (new FlowRecorder(new FlowContext(sessions), sink, TimeProvider.System, capacity), sink);
    }

    private static ConntrackEntry Entry(int sourcePort) =>
        new(AddressFamily.InterNetwork, 6, IPAddress.Parse("10.8.0.2"), IPAddress.Parse("10.0.5.10"), sourcePort, 8080);

    private static ConntrackEvent New(uint id, int sourcePort, DateTimeOffset at) => new(true, id, Entry(sourcePort), at);

    private static ConntrackEvent Destroy(uint id, int sourcePort, DateTimeOffset at, long? age) =>
        new(false, id, Entry(sourcePort), at, 6, 326, 4, 222, age);
}
