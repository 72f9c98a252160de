using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Skyhook.Gateway.Tests;

/// <summary>Keeps every log line (message, state values and exception) so tests can look for leaked secrets.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ITestOutputHelper? _output;

    public RecordingLogger(ITestOutputHelper? output = null) => _output = output;

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join("\n", _lines);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        var line = $"{logLevel} {eventId.Id} {formatter(state, exception)} [{values}] {exception}";
        _lines.Enqueue(line);
        try
        {
            _output?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; a late line from a background loop has nowhere to go.
        }
    }
}
