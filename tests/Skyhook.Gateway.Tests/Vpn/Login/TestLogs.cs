using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Skyhook.Gateway.Tests.Vpn.Login;

/// <summary>Every log line of an in-process gateway host, kept for assertions (and secret checks) and echoed to the test output.</summary>
internal sealed class TestLogs(ITestOutputHelper output) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string All => string.Join("\n", _lines);

    public IEnumerable<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; a late line from a background loop has nowhere to go.
        }
    }

    private sealed class Logger(TestLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            logs.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {eventId.Id} {category.Split('.')[^1]}: {formatter(state, exception)} [{values}] {exception?.Message}");
        }
    }
}
