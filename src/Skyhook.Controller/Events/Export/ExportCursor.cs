using System.Globalization;
using System.Text;

namespace Skyhook.Controller.Events.Export;

/// <summary>
/// The id of the last event a sink took, in <c>DATA/export/NAME.cursor</c> (decimal text). Written to
/// a temporary file, flushed and renamed over the old one, so a crash leaves the old cursor or the
/// new one, never half of either.
/// </summary>
public sealed class ExportCursor(string path)
{
    public string Path => path;

    /// <summary>The stored cursor; null when there is none yet. Throws <see cref="InvalidDataException"/> on a file that holds no id.</summary>
    public long? Load()
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new InvalidDataException($"The export cursor {path} holds no event id; remove it to start again ('StartAt' decides where).");
    }

    public void Save(long id)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture) + "\n"));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
