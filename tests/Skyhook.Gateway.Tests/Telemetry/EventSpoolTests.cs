using System.Text;
using Microsoft.Extensions.Time.Testing;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Telemetry;

namespace Skyhook.Gateway.Tests.Telemetry;

/// <summary>The spool on real files in a temporary folder.</summary>
public sealed class EventSpoolTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("skyhook-spool-");
    private readonly RecordingLogger<EventSpool> _log = new(output);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    private string SpoolPath => Path.Combine(_directory.FullName, "spool");

    public void Dispose() => _directory.Delete(recursive: true);

    internal static TelemetryEvent Query(int i) =>
        new(0, EventKinds.Dns, new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero).AddMilliseconds(i), "alice", "192.168.43.2",
            Name: $"web{i}.apps.internal", QueryType: "A", ResultCode: "NOERROR", Answer: "10.0.0.12", Verdict: Verdicts.Allowed);

    private EventSpool Open(long limit = 1024 * 1024, long segment = EventSpool.DefaultSegmentBytes) => new(SpoolPath, limit, _time, _log, segment);

    private string[] Segments() => Directory.GetFiles(SpoolPath, "*.jsonl").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void Publish_AfterReopening_SequencesContinue()
    {
        using (var spool = Open())
        {
            for (var i = 1; i <= 3; i++)
            {
                spool.Publish(Query(i));
            }
            Assert.Equal(3, spool.LastSequence);
        }

        using (var spool = Open())
        {
            Assert.Equal(3, spool.LastSequence);
            spool.Publish(Query(4));

            var events = spool.Read(0, 100);

            Assert.Equal([1, 2, 3, 4], events.Select(e => e.Sequence));
            Assert.Equal(["web1.apps.internal", "web2.apps.internal", "web3.apps.internal", "web4.apps.internal"], events.Select(e => e.Name));
            Assert.Equal(Query(4) with { Sequence = 4 }, events[3]);
        }
        Assert.Equal(["000000000001.jsonl"], Segments());
    }

    [Fact]
    public void Open_TornLastLine_CutAndNumberingGoesOnFromTheLastCompleteOne()
    {
        using (var spool = Open())
        {
            for (var i = 1; i <= 3; i++)
            {
                spool.Publish(Query(i));
            }
        }
        var segment = Path.Combine(SpoolPath, "000000000001.jsonl");
        var complete = new FileInfo(segment).Length;
        // A gateway killed in the middle of writing event 4.
        File.AppendAllText(segment, "{\"sequence\":4,\"kind\":\"dns\",\"at\":\"2026-11-", Encoding.UTF8);

        using (var spool = Open())
        {
            Assert.Equal(complete, new FileInfo(segment).Length);
            Assert.Equal(3, spool.LastSequence);
            spool.Publish(Query(5));

            var events = spool.Read(0, 100);

            Assert.Equal([1, 2, 3, 4], events.Select(e => e.Sequence));
            Assert.Equal("web5.apps.internal", events[3].Name);
        }
        Assert.Contains(_log.Lines, l => l.StartsWith("Warning 4801", StringComparison.Ordinal));
    }

    [Fact]
    public void Acknowledge_DeletesOnlySegmentsWhollyAcknowledged_AndSurvivesAReopen()
    {
        using (var spool = Open(segment: 800))
        {
            for (var i = 1; i <= 20; i++)
            {
                spool.Publish(Query(i));
            }
            var before = Segments();
            Assert.True(before.Length >= 4, string.Join(" ", before));
            var second = long.Parse(before[1].AsSpan(0, 12), System.Globalization.CultureInfo.InvariantCulture);
            var third = long.Parse(before[2].AsSpan(0, 12), System.Globalization.CultureInfo.InvariantCulture);

            // Up to the middle of the second segment: only the first goes.
            spool.Acknowledge(second + 1);
            Assert.Equal(before[1..], Segments());

            // Up to the last event of the second: it goes too.
            spool.Acknowledge(third - 1);
            Assert.Equal(before[2..], Segments());
            Assert.Equal(20 - (third - 1), spool.PendingEvents);
        }

        using (var reopened = Open(segment: 800))
        {
            var rest = reopened.Read(reopened.Acknowledged, 100);
            Assert.Equal(rest[0].Sequence, reopened.Acknowledged + 1);
            Assert.Equal(20, rest[^1].Sequence);

            reopened.Acknowledge(20);

            Assert.Empty(Segments());
            Assert.Equal(0, reopened.PendingBytes);
            reopened.Publish(Query(21));
            Assert.Equal(21, reopened.LastSequence);
            Assert.Equal(["000000000021.jsonl"], Segments());
        }
    }

    [Fact]
    public void Read_AfterAnAcknowledgement_ReturnsExactlyTheRest_InPagesAcrossSegments()
    {
        using var spool = Open(segment: 1000);
        for (var i = 1; i <= 50; i++)
        {
            spool.Publish(Query(i));
        }
        spool.Acknowledge(17);

        var read = new List<long>();
        var after = spool.Acknowledged;
        while (spool.Read(after, 7, maxBytes: 700) is { Count: > 0 } page)
        {
            Assert.True(page.Count <= 7);
            read.AddRange(page.Select(e => e.Sequence));
            after = page[^1].Sequence;
        }

        Assert.Equal(Enumerable.Range(18, 33).Select(i => (long)i), read);
        // Read again from the same point (a batch whose answer was lost): the same events.
        Assert.Equal(Enumerable.Range(18, 7).Select(i => (long)i), spool.Read(17, 7).Select(e => e.Sequence));
        Assert.Empty(spool.Read(50, 7));
    }

    [Fact]
    public void Publish_AtTheBound_CountedAsDroppedNotWritten_ErrorLoggedOncePerMinute()
    {
        using var spool = Open(limit: 2000, segment: 1000);
        for (var i = 1; i <= 40; i++)
        {
            spool.Publish(Query(i));
        }

        var written = spool.LastSequence;
        Assert.InRange(written, 5, 39);
        Assert.Equal(40 - written, spool.Dropped);
        Assert.True(spool.PendingBytes <= 2000);
        Assert.Equal(written, spool.Read(0, 100).Count);
        Assert.Single(_log.Lines, l => l.StartsWith("Error 4802", StringComparison.Ordinal));

        // A minute later the drops since are told again, with their count, even with no new drop.
        _time.Advance(EventSpool.DropLogInterval);
        Assert.Equal(2, _log.Lines.Count(l => l.StartsWith("Error 4802", StringComparison.Ordinal)));
        Assert.Contains(_log.Lines, l => l.StartsWith("Error 4802", StringComparison.Ordinal) && l.Contains($"Count={40 - written - 1}", StringComparison.Ordinal));

        // Once the controller has them, there is room again; the numbers have no gap.
        spool.Acknowledge(written);
        spool.DroppedReported(spool.Dropped);
        spool.Publish(Query(41));
        Assert.Equal(written + 1, spool.LastSequence);
        Assert.Equal("web41.apps.internal", Assert.Single(spool.Read(written, 10)).Name);
        Assert.Equal(0, spool.Dropped);
    }

    [Fact]
    public void Publish_Concurrently_UniqueGapFreeSequences()
    {
        const int Threads = 8;
        const int Each = 500;
        using (var spool = Open(segment: 16 * 1024))
        {
            // Threads of their own: publishers blocked on the barrier must not starve the shared pool.
            using var start = new Barrier(Threads);
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                for (var i = 0; i < Each; i++)
                {
                    spool.Publish(Query(i) with { User = "user" + t });
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Equal(Threads * Each, spool.LastSequence);
        }

        using var reopened = Open(segment: 16 * 1024);
        var all = new List<TelemetryEvent>();
        while (reopened.Read(all.Count == 0 ? 0 : all[^1].Sequence, TelemetryBatch.MaxEvents) is { Count: > 0 } page)
        {
            all.AddRange(page);
        }
        Assert.Equal(Enumerable.Range(1, Threads * Each).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(Threads * Each, all.Select(e => (e.User, e.Name)).Distinct().Count());
        Assert.True(Segments().Length > 1);
    }
}
