using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Host;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// The gateway's telemetry on disk until the controller has it: numbers every published event (from
/// 1, on across restarts) and appends it as one JSON line to the current segment file, named by its
/// first sequence (<c>000000000001.jsonl</c>), rolling to a new one at about
/// <see cref="DefaultSegmentBytes"/>. The highest sequence the controller acknowledged is kept in the
/// file <c>acked</c>; whole segments at or below it are deleted.
/// <para>
/// Durability: each line is one plain write(2), without fsync: once <see cref="Publish"/> returns it
/// is in the page cache, which a crash of the gateway (kill -9 included) does not lose; only a crash
/// of the host can. A segment is fsynced when it is closed (roll, <see cref="Dispose"/>) and the open
/// one every <see cref="FlushInterval"/>, so a power loss costs seconds of events, and a write that
/// stopped half-way is cut off when the spool opens again (numbering goes on from the last complete
/// line). Syncing each event would cost a disk round trip on the DNS service's hot path.
/// </para>
/// <para>
/// Bound: when the segments would exceed the limit, new events are not written but counted as
/// <see cref="Dropped"/> (reported to the controller, and logged as an error once a minute); the
/// events already spooled are never given up for newer ones.
/// </para>
/// Publishing is safe from any thread. <see cref="Read"/> and <see cref="Acknowledge"/> are the
/// shipper's: one caller at a time.
/// </summary>
public sealed partial class EventSpool : IEventSink, IDisposable
{
    public const long DefaultSegmentBytes = 4L * 1024 * 1024;

    /// <summary>The most bytes of events one <see cref="Read"/> returns (at least one event).</summary>
    public const int MaxReadBytes = 1024 * 1024;

    public const string AcknowledgedFileName = "acked";

    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DropLogInterval = TimeSpan.FromMinutes(1);

    // The contract's web defaults; nulls are left out (most of an event's fields are null for its kind),
    // which halves a line and reads back the same.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private const int ReadChunk = 256 * 1024;

    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly long _limitBytes;
    private readonly long _segmentBytes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<SpoolSegment> _segments = [];
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly ITimer _flushTimer;
    // The last segment's, for appending; null when there is no segment to append to.
    private SafeFileHandle? _writer;
    private long _next;
    private long _acknowledged;
    private long _bytes;
    private long _dropped;
    private long _droppedUnlogged;
    private string _dropReason = "";
    private DateTimeOffset _droppedLoggedAt = DateTimeOffset.MinValue;
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (long After, long First, long Offset)? _cursor;
    private bool _disposed;

    /// <param name="directory">Created (0700) when missing.</param>
    /// <param name="limitBytes">The most bytes all segments may take.</param>
    public EventSpool(string directory, long limitBytes, TimeProvider time, ILogger<EventSpool> logger, long segmentBytes = DefaultSegmentBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentBytes, 1);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _directory = Path.GetFullPath(directory);
        _limitBytes = limitBytes;
        _segmentBytes = segmentBytes;
        _time = time;
        _logger = logger;
        _json = new Utf8JsonWriter(_line);
        Directory.CreateDirectory(_directory, GatewayFiles.PrivateDirectory);
        _acknowledged = ReadAcknowledged();
        Recover();
        Log.Opened(_logger, _directory, PendingEvents, _acknowledged, _next, _bytes);
        _flushTimer = time.CreateTimer(_ => Flush(), null, FlushInterval, FlushInterval);
    }

    /// <summary>The spool's folder.</summary>
    public string Location => _directory;

    /// <summary>The highest sequence the controller holds, as far as this spool knows.</summary>
    public long Acknowledged
    {
        get
        {
            lock (_lock)
            {
                return _acknowledged;
            }
        }
    }

    /// <summary>The sequence of the last event written (0 before the first ever).</summary>
    public long LastSequence
    {
        get
        {
            lock (_lock)
            {
                return _next - 1;
            }
        }
    }

    /// <summary>Events written and not yet acknowledged.</summary>
    public long PendingEvents
    {
        get
        {
            lock (_lock)
            {
                return Math.Max(0, _next - 1 - _acknowledged);
            }
        }
    }

    /// <summary>Bytes the segments take on disk (acknowledged events included until their segment is deleted).</summary>
    public long PendingBytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Events not written because the spool was full (or the disk failed) and not yet reported to the controller.</summary>
    public long Dropped
    {
        get
        {
            lock (_lock)
            {
                return _dropped;
            }
        }
    }

    public void Publish(TelemetryEvent telemetryEvent)
    {
        if (telemetryEvent is null)
        {
            return;
        }
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            var sequence = _next;
            _line.ResetWrittenCount();
            _json.Reset(_line);
            JsonSerializer.Serialize(_json, telemetryEvent with { Sequence = sequence }, Json);
            _json.Flush();
            _line.Write("\n"u8);
            var length = _line.WrittenCount;
            if (_bytes + length > _limitBytes)
            {
                DropLocked($"the spool is full ({_bytes} of {_limitBytes} bytes; the controller has not taken them)");
                return;
            }
            var segment = _writer is null ? null : _segments[^1];
            try
            {
                if (segment is null || (segment.Length > 0 && segment.Length + length > _segmentBytes))
                {
                    segment = RollLocked(sequence);
                }
                RandomAccess.Write(_writer!, _line.WrittenSpan, segment.Length);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A line half written (disk full) is cut, so that the next one starts on a line of its own.
                if (segment is not null && _writer is not null)
                {
                    try
                    {
                        RandomAccess.SetLength(_writer, segment.Length);
                    }
                    catch (IOException)
                    {
                    }
                }
                DropLocked("the spool cannot be written: " + ex.Message);
                return;
            }
            segment.Length += length;
            segment.Last = sequence;
            _bytes += length;
            _next = sequence + 1;
            _published.TrySetResult();
        }
    }

    /// <summary>
    /// A task that completes at the next <see cref="Publish"/>; already complete when an event was
    /// published since the last task this returned completed. Take it before <see cref="Read"/>.
    /// </summary>
    public Task WhenPublished()
    {
        lock (_lock)
        {
            if (_published.Task.IsCompleted)
            {
                _published = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            return _published.Task;
        }
    }

    /// <summary>
    /// The spooled events after sequence <paramref name="after"/>, in order: at most
    /// <paramref name="maxEvents"/> and, beyond the first, at most <paramref name="maxBytes"/> of lines.
    /// </summary>
    public IReadOnlyList<TelemetryEvent> Read(long after, int maxEvents, int maxBytes = MaxReadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        List<(long First, string Path, long Length)> view;
        (long After, long First, long Offset)? cursor;
        lock (_lock)
        {
            view = _segments.Select(s => (s.First, s.Path, s.Length)).ToList();
            cursor = _cursor;
        }
        var events = new List<TelemetryEvent>();
        if (view.Count == 0)
        {
            return events;
        }
        int index;
        long offset;
        if (cursor is { } c && c.After == after && (index = view.FindIndex(s => s.First == c.First)) >= 0)
        {
            // Where the last read stopped: the shipper reads on after what it shipped.
            offset = c.Offset;
        }
        else
        {
            index = Math.Max(0, view.FindLastIndex(s => s.First <= after + 1));
            offset = 0;
        }
        long bytes = 0;
        var stoppedIn = view[index].First;
        var stoppedAt = offset;
        for (; index < view.Count && events.Count < maxEvents && bytes < maxBytes; index++, offset = 0)
        {
            var (first, path, length) = view[index];
            if (offset >= length)
            {
                continue;
            }
            try
            {
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                stoppedAt = ReadLines(handle, path, length, offset, after, events, maxEvents, maxBytes, ref bytes);
                stoppedIn = first;
                if (stoppedAt < length)
                {
                    // Full: the next read goes on from here.
                    break;
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // Trimmed meanwhile: nothing in it is wanted any more.
            }
        }
        if (events.Count > 0)
        {
            lock (_lock)
            {
                _cursor = (events[^1].Sequence, stoppedIn, stoppedAt);
            }
        }
        return events;
    }

    /// <summary>
    /// The controller holds everything up to <paramref name="acknowledged"/>: it is saved (so a
    /// restart does not read those events again) and the segments wholly at or below it are deleted.
    /// </summary>
    public void Acknowledge(long acknowledged)
    {
        lock (_lock)
        {
            if (acknowledged <= _acknowledged || _disposed)
            {
                return;
            }
            if (acknowledged >= _next)
            {
                // Numbers at or below what the controller holds would be ignored by it as doubles.
                Log.AcknowledgedAhead(_logger, acknowledged, _next - 1);
                _next = acknowledged + 1;
            }
            _acknowledged = acknowledged;
        }
        // Saved before any segment goes: with the segments gone and an older mark, a restart would
        // number new events below what the controller already holds.
        try
        {
            GatewayFiles.WriteAtomically(Path.Combine(_directory, AcknowledgedFileName), acknowledged.ToString(CultureInfo.InvariantCulture) + "\n", GatewayFiles.Secret);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.AcknowledgedNotSaved(_logger, ex.Message);
            return;
        }
        lock (_lock)
        {
            TrimLocked();
        }
    }

    /// <summary>The controller has been told of <paramref name="count"/> of the <see cref="Dropped"/> events.</summary>
    public void DroppedReported(long count)
    {
        lock (_lock)
        {
            _dropped = Math.Max(0, _dropped - count);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            LogDropsLocked(_time.GetUtcNow());
            CloseWriterLocked();
            _json.Dispose();
        }
        _flushTimer.Dispose();
    }

    private void Flush()
    {
        SafeFileHandle? writer;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            var now = _time.GetUtcNow();
            if (_droppedUnlogged > 0 && now - _droppedLoggedAt >= DropLogInterval)
            {
                LogDropsLocked(now);
            }
            writer = _writer;
        }
        try
        {
            // Outside the lock: publishers do not wait for the disk. A roll may close it meanwhile.
            if (writer is not null)
            {
                RandomAccess.FlushToDisk(writer);
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (IOException ex)
        {
            Log.FlushFailed(_logger, ex.Message);
        }
    }

    private SpoolSegment RollLocked(long first)
    {
        CloseWriterLocked();
        if (_segments.Count > 0 && _segments[^1].First >= first)
        {
            // An empty segment left by a failed write: it is replaced.
            _bytes -= _segments[^1].Length;
            _segments.RemoveAt(_segments.Count - 1);
        }
        var segment = new SpoolSegment(_directory, first);
        _writer = File.OpenHandle(segment.Path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _segments.Add(segment);
        return segment;
    }

    private void CloseWriterLocked()
    {
        if (_writer is { } writer)
        {
            _writer = null;
            try
            {
                RandomAccess.FlushToDisk(writer);
            }
            catch (IOException ex)
            {
                Log.FlushFailed(_logger, ex.Message);
            }
            writer.Dispose();
        }
    }

    private void TrimLocked()
    {
        while (_segments.Count > 0 && _segments[0].Last <= _acknowledged && !_disposed)
        {
            var segment = _segments[0];
            if (_segments.Count == 1)
            {
                // Everything is acknowledged: the next event starts a new segment.
                _writer?.Dispose();
                _writer = null;
            }
            try
            {
                File.Delete(segment.Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.TrimFailed(_logger, segment.Path, ex.Message);
                return;
            }
            _bytes -= segment.Length;
            _segments.RemoveAt(0);
        }
    }

    private void DropLocked(string reason)
    {
        _dropped++;
        _droppedUnlogged++;
        _dropReason = reason;
        var now = _time.GetUtcNow();
        if (now - _droppedLoggedAt >= DropLogInterval)
        {
            LogDropsLocked(now);
        }
    }

    private void LogDropsLocked(DateTimeOffset now)
    {
        if (_droppedUnlogged > 0)
        {
            Log.Dropped(_logger, _droppedUnlogged, _dropReason);
            _droppedUnlogged = 0;
            _droppedLoggedAt = now;
        }
    }

    private long ReadAcknowledged()
    {
        var path = Path.Combine(_directory, AcknowledgedFileName);
        if (!File.Exists(path))
        {
            return 0;
        }
        var text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    /// <summary>Finds the segments; cuts a torn tail off the last one and goes on numbering after its last complete line.</summary>
    private void Recover()
    {
        var found = Directory.EnumerateFiles(_directory)
            .Select(path => SpoolSegment.ParseName(Path.GetFileName(path)))
            .OfType<long>()
            .Order()
            .Select(first => new SpoolSegment(_directory, first))
            .ToList();
        for (var i = 0; i < found.Count; i++)
        {
            var segment = found[i];
            segment.Length = new FileInfo(segment.Path).Length;
            // Closed segments were synced when the next began; their numbers run up to the next one's first.
            segment.Last = i + 1 < found.Count ? found[i + 1].First - 1 : RecoverTail(segment);
        }
        if (found.Count > 0 && found[^1].Length == 0)
        {
            File.Delete(found[^1].Path);
            found.RemoveAt(found.Count - 1);
        }
        _segments.AddRange(found);
        _bytes = found.Sum(s => s.Length);
        var last = found.Count > 0 ? found[^1].Last : 0;
        _next = Math.Max(last, _acknowledged) + 1;
        if (found.Count > 0)
        {
            _writer = File.OpenHandle(found[^1].Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        TrimLocked();
    }

    /// <summary>The last sequence of the segment's complete lines; anything after them is cut off.</summary>
    private long RecoverTail(SpoolSegment segment)
    {
        var content = File.ReadAllBytes(segment.Path);
        var good = 0;
        long last = segment.First - 1;
        while (good < content.Length)
        {
            var end = content.AsSpan(good).IndexOf((byte)'\n');
            if (end < 0 || !TryParse(content.AsSpan(good, end), out var e) || e.Sequence <= last)
            {
                break;
            }
            last = e.Sequence;
            good += end + 1;
        }
        if (good < content.Length)
        {
            Log.TornTail(_logger, segment.Path, content.Length - good, last);
            using var handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Write);
            RandomAccess.SetLength(handle, good);
        }
        segment.Length = good;
        return last;
    }

    /// <summary>Reads lines from <paramref name="offset"/> up to <paramref name="length"/>; returns the offset after the last line consumed.</summary>
    private long ReadLines(SafeFileHandle handle, string path, long length, long offset, long after, List<TelemetryEvent> events, int maxEvents, int maxBytes, ref long bytes)
    {
        var buffer = new byte[(int)Math.Min(length - offset, ReadChunk)];
        var bufferAt = offset;
        var count = 0;
        var start = 0;
        var position = offset;
        while (true)
        {
            var end = buffer.AsSpan(start, count - start).IndexOf((byte)'\n');
            if (end < 0)
            {
                var next = bufferAt + count;
                if (next >= length)
                {
                    return position;
                }
                var rest = count - start;
                Buffer.BlockCopy(buffer, start, buffer, 0, rest);
                bufferAt += start;
                start = 0;
                count = rest;
                if (count == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var read = RandomAccess.Read(handle, buffer.AsSpan(count, (int)Math.Min(buffer.Length - count, length - next)), next);
                if (read == 0)
                {
                    return position;
                }
                count += read;
                continue;
            }
            if (TryParse(buffer.AsSpan(start, end), out var e))
            {
                if (e.Sequence > after)
                {
                    if (events.Count >= maxEvents || (events.Count > 0 && bytes + end + 1 > maxBytes))
                    {
                        return position;
                    }
                    events.Add(e);
                    bytes += end + 1;
                }
            }
            else
            {
                Log.Unreadable(_logger, path, bufferAt + start);
            }
            start += end + 1;
            position = bufferAt + start;
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> line, out TelemetryEvent telemetryEvent)
    {
        try
        {
            telemetryEvent = JsonSerializer.Deserialize<TelemetryEvent>(line, Json)!;
            return telemetryEvent is { Sequence: > 0, Kind: not null };
        }
        catch (JsonException)
        {
            telemetryEvent = null!;
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4800, Level = LogLevel.Information, Message = "Telemetry spool {Directory}: {Pending} events pending after {Acknowledged}, the next is {Next}, {Bytes} bytes on disk")]
        public static partial void Opened(ILogger logger, string directory, long pending, long acknowledged, long next, long bytes);

        [LoggerMessage(EventId = 4801, Level = LogLevel.Warning, Message = "Telemetry spool {Segment}: {Bytes} bytes after the last complete event ({Last}) cut off; the gateway stopped while writing")]
        public static partial void TornTail(ILogger logger, string segment, long bytes, long last);

        [LoggerMessage(EventId = 4802, Level = LogLevel.Error, Message = "{Count} telemetry events dropped, not spooled: {Reason}")]
        public static partial void Dropped(ILogger logger, long count, string reason);

        [LoggerMessage(EventId = 4803, Level = LogLevel.Error, Message = "The controller holds this gateway's telemetry up to {Acknowledged}, beyond the spool's last event {Last} (was the spool removed?): numbering goes on after it; events numbered below it were taken for doubles and are lost")]
        public static partial void AcknowledgedAhead(ILogger logger, long acknowledged, long last);

        [LoggerMessage(EventId = 4804, Level = LogLevel.Warning, Message = "Telemetry spool: the acknowledged sequence cannot be saved, nothing is trimmed: {Error}")]
        public static partial void AcknowledgedNotSaved(ILogger logger, string error);

        [LoggerMessage(EventId = 4805, Level = LogLevel.Warning, Message = "Telemetry spool: {Segment} cannot be deleted: {Error}")]
        public static partial void TrimFailed(ILogger logger, string segment, string error);

        [LoggerMessage(EventId = 4806, Level = LogLevel.Warning, Message = "Telemetry spool: syncing to disk failed: {Error}")]
        public static partial void FlushFailed(ILogger logger, string error);

        [LoggerMessage(EventId = 4807, Level = LogLevel.Warning, Message = "Telemetry spool {Segment}: the line at byte {Offset} is not an event; skipped")]
        public static partial void Unreadable(ILogger logger, string segment, long offset);
    }
}
