using System.Text;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// Splits the management socket's byte stream into lines (LF, optional CR) without ever holding
/// more than one line of <c>maxLineLength</c> bytes: the rest of a longer line is skipped and the
/// line reported as oversized.
/// </summary>
internal sealed class ManagementLineReader(Stream stream, int maxLineLength)
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly byte[] _line = new byte[maxLineLength];
    private int _start;
    private int _end;

    /// <summary>The next line, or null at the end of the stream (a final line without LF is dropped).</summary>
    public async ValueTask<ManagementLine?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        var total = 0;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken);
                if (_end == 0)
                {
                    return null;
                }
            }
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var chunkEnd = newline < 0 ? _end : newline;
            var chunk = chunkEnd - _start;
            total += chunk;
            var room = _line.Length - length;
            Array.Copy(_buffer, _start, _line, length, Math.Min(chunk, room));
            length += Math.Min(chunk, room);
            _start = newline < 0 ? _end : newline + 1;
            if (newline < 0)
            {
                continue;
            }

            // The limit counts the CR of a CRLF line too.
            if (total > _line.Length)
            {
                return new ManagementLine("", Oversized: true, total);
            }
            var textLength = length > 0 && _line[length - 1] == '\r' ? length - 1 : length;
            return new ManagementLine(Utf8.GetString(_line, 0, textLength), Oversized: false, textLength);
        }
    }
}
