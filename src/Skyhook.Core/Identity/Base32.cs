using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Skyhook.Core.Identity;

/// <summary>
/// RFC 4648 base32, the form authenticator apps take TOTP secrets in. Encoding leaves out the
/// padding, as otpauth URIs do; decoding accepts text with or without it, in either case.
/// </summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>Uppercase base32 without padding.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(((bytes.Length * 8) + 4) / 5);
        var buffer = 0;
        var bits = 0;
        foreach (var b in bytes)
        {
            // Only the low 12 bits are ever read; masking keeps the shift from running off the int.
            buffer = ((buffer << 8) | b) & 0xfff;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text.Append(Alphabet[(buffer >> bits) & 31]);
            }
        }

        if (bits > 0)
        {
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }

    /// <exception cref="FormatException">The text is not base32; the message says why.</exception>
    public static byte[] Decode(string text) =>
        TryDecode(text, out var bytes, out var error) ? bytes : throw new FormatException(error);

    /// <summary>
    /// Decodes base32 with or without padding, in any case. The input is usually a secret, so
    /// <paramref name="error"/> gives the position of a bad character, never the text itself.
    /// </summary>
    public static bool TryDecode(string? text, out byte[] bytes, [NotNullWhen(false)] out string? error)
    {
        bytes = [];
        if (text is null)
        {
            error = "No base32 text was given.";
            return false;
        }

        var data = text.AsSpan().TrimEnd('=');
        // Groups of 8 characters carry 5 bytes; a final group of 1, 3 or 6 characters ends mid-byte.
        if (data.Length % 8 is 1 or 3 or 6)
        {
            error = string.Create(
                CultureInfo.InvariantCulture,
                $"Base32 text of length {data.Length} (without padding) cannot be complete; a character is missing or extra.");
            return false;
        }

        var decoded = new byte[data.Length * 5 / 8];
        var buffer = 0;
        var bits = 0;
        var written = 0;
        for (var i = 0; i < data.Length; i++)
        {
            var value = Alphabet.IndexOf(char.ToUpperInvariant(data[i]), StringComparison.Ordinal);
            if (value < 0)
            {
                error = string.Create(
                    CultureInfo.InvariantCulture,
                    $"Base32 text has an invalid character at position {i + 1}; only A-Z and 2-7 are allowed.");
                return false;
            }

            buffer = ((buffer << 5) | value) & 0xfff;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                decoded[written++] = (byte)(buffer >> bits);
            }
        }

        bytes = decoded;
        error = null;
        return true;
    }
}
