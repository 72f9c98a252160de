using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Skyhook.Controller.Events.Export;

/// <summary>
/// Appends each event to a file as one JSON object per line: <c>id</c>, <c>gateway</c> and the event's
/// fields in camelCase, nulls left out. The file is opened in append mode for every batch and closed
/// after it, so a log rotation that moves or deletes it simply makes the next batch start a new file.
/// A batch is flushed to disk before the exporter moves its cursor; a crash in the middle of a write
/// can leave a partial last line; the batch written again after restart starts on a new line.
/// </summary>
public sealed class JsonLinesSink(string path) : IExportSink
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // The file is read by log shippers, never embedded in HTML: "+" in a time and non-ASCII names
        // stay readable. Quotes, backslashes and control characters are still escaped, so a line is
        // always one line of valid JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Name => "jsonlines";

    public string Target => path;

    public async Task SendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        var text = new StringBuilder(events.Count * 256);
        if (EndsInPartialLine(path))
        {
            text.Append('\n');
        }

        foreach (var stored in events)
        {
            text.Append(Line(stored)).Append('\n');
        }

        var folder = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, FolderMode);
        }

        await using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = System.IO.FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = FileMode,
            Options = FileOptions.Asynchronous,
        });
        await file.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Whether the file's last line lacks its newline (a write cut short by a crash): the next line must not run on from it.</summary>
    private static bool EndsInPartialLine(string path)
    {
        try
        {
            using var file = new FileStream(path, System.IO.FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (file.Length == 0)
            {
                return false;
            }

            file.Seek(-1, SeekOrigin.End);
            return file.ReadByte() != '\n';
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>One event as its JSON line (without the newline): the API's flat view of it, nulls left out.</summary>
    public static string Line(StoredEvent stored) => JsonSerializer.Serialize(EventView.From(stored), Json);
}
