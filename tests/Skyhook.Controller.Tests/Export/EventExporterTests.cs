using Microsoft.Extensions.Logging;
using Skyhook.Controller.Events.Export;

namespace Skyhook.Controller.Tests.Export;

public sealed class EventExporterTests : IAsyncDisposable
{
    private static readonly ExportSchedule Fast = new(100, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200));
    private readonly string _folder = Directory.CreateTempSubdirectory("skyhook-export-").FullName;
    private readonly FakeEventFeed _feed = new();
    private readonly OctetCountingReceiver _receiver = new();
    private readonly CapturedLogs _logs = new();

    private string CursorPath => Path.Combine(_folder, "syslog.cursor");

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Exporter_ManyEvents_SentInOrder()
    {
        _feed.AddFlows(250);

        await using (await RunAsync())
        {
            await Eventually.HoldsAsync(() => _receiver.Messages.Count >= 250, "the receiver gets 250 messages");
        }

        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i), _receiver.Ids());
        Assert.Equal("250", File.ReadAllText(CursorPath).Trim());
    }

    [Fact]
    public async Task Exporter_Restarted_ResumesFromCursorWithoutRepeating()
    {
        _feed.AddFlows(10);
        await using (await RunAsync())
        {
            await Eventually.HoldsAsync(() => _receiver.Messages.Count >= 10, "the first exporter sends 10 messages");
            await Eventually.HoldsAsync(() => File.ReadAllText(CursorPath).Trim() == "10", "the cursor records event 10");
        }

        _feed.AddFlows(5);
        await using (await RunAsync())
        {
            await Eventually.HoldsAsync(() => _receiver.Messages.Count >= 15, "the second exporter sends the 5 new messages");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), _receiver.Ids());
    }

    [Fact]
    public async Task Exporter_ReceiverOutage_LosesNothingAndLogsOnce()
    {
        _feed.AddFlows(5);
        await using (await RunAsync())
        {
            await Eventually.HoldsAsync(() => _receiver.Messages.Count >= 5, "the receiver gets the first 5 messages");

            await _receiver.StopAsync();
            _feed.AddFlows(5);
            await Eventually.HoldsAsync(() => _logs.Lines.Any(l => l.Contains("[3703]", StringComparison.Ordinal)), "the exporter warns that the export fails");
            await Task.Delay(500, TestContext.Current.CancellationToken); // several failed attempts
            _receiver.Start();

            await Eventually.HoldsAsync(() => _receiver.Messages.Count >= 10, "the receiver gets the 5 messages of the outage");
            await Eventually.HoldsAsync(() => _logs.Lines.Any(l => l.Contains("[3704]", StringComparison.Ordinal)), "the exporter logs its recovery");
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), _receiver.Ids());
        Assert.Single(_logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("[3703]", StringComparison.Ordinal));
        Assert.Single(_logs.Lines, l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains("[3704]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exporter_StoreFailing_RetriesAndRecovers()
    {
        _feed.Failure = new InvalidOperationException("database is away");
        _feed.AddFlows(3);
        await using (await RunAsync())
        {
            await Eventually.HoldsAsync(() => _logs.Lines.Any(l => l.Contains("[3703]", StringComparison.Ordinal) && l.Contains("reading the event store", StringComparison.Ordinal)), "the exporter warns about the store");
            _feed.Failure = null;
            await Eventually.HoldsAsync(() => _receiver.Messages.Count >= 3, "the receiver gets the 3 messages once the store answers");
        }

        Assert.Equal([1L, 2, 3], _receiver.Ids());
    }

    [Fact]
    public async Task Exporter_StartAtEnd_SkipsTheHistory()
    {
        _feed.AddFlows(7);
        await using (await RunAsync(ExportStart.End))
        {
            await Eventually.HoldsAsync(() => File.Exists(CursorPath), "the exporter records where it starts");
            _feed.AddFlows(2);
            await Eventually.HoldsAsync(() => _receiver.Messages.Count >= 2, "the receiver gets the 2 new messages");
        }

        Assert.Equal([8L, 9], _receiver.Ids());
    }

    [Fact]
    public async Task Exporter_UnreadableCursor_StopsThatSinkOnly()
    {
        File.WriteAllText(CursorPath, "not a number");
        _feed.AddFlows(3);

        await using (await RunAsync())
        {
            await Eventually.HoldsAsync(() => _logs.Lines.Any(l => l.Contains("[3705]", StringComparison.Ordinal)), "the exporter reports the cursor");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Empty(_receiver.Messages);
        Assert.Equal("not a number", File.ReadAllText(CursorPath));
    }

    [Fact]
    public async Task Exporter_JsonLines_OneObjectPerEvent()
    {
        var path = Path.Combine(_folder, "out", "events.jsonl");
        _feed.AddFlows(120);

        await using (await RunAsync(sink: new JsonLinesSink(path)))
        {
            await Eventually.HoldsAsync(() => File.Exists(path) && File.ReadAllLines(path).Length >= 120, "the file holds 120 lines");
        }

        var ids = File.ReadAllLines(path).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt64());
        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), ids);
    }

    /// <summary>An exporter started on the receiver (or <paramref name="sink"/>); disposing stops it and its sink.</summary>
    private async Task<RunningExporter> RunAsync(string startAt = ExportStart.Beginning, IExportSink? sink = null)
    {
        sink ??= new SyslogSink(new SyslogExportOptions { Enabled = true, Host = "127.0.0.1", Port = _receiver.Port }, new SyslogFormatter(16, "ctl1"));
        var cursor = new ExportCursor(Path.Combine(_folder, sink.Name + ".cursor"));
        var logger = LoggerFactory.Create(logging => logging.AddProvider(_logs)).CreateLogger<EventExporter>();
        var exporter = new EventExporter(sink, _feed, cursor, startAt, Fast, TimeProvider.System, logger);
        await exporter.StartAsync(TestContext.Current.CancellationToken);
        return new RunningExporter(exporter, sink);
    }

    private sealed class RunningExporter(EventExporter exporter, IExportSink sink) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await exporter.StopAsync(CancellationToken.None);
            exporter.Dispose();
            if (sink is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }
}
