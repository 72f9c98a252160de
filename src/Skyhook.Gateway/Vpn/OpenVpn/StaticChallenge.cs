using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// OpenVPN's static-challenge answer: with <c>static-challenge</c> in the profile the client sends
/// <c>SCRV1:base64(password):base64(response)</c> as its password (management-notes.txt, "Static
/// protocol"). Decoding is strict and never throws: anything that is not exactly that shape is refused.
/// </summary>
public static class StaticChallenge
{
    public const string Prefix = "SCRV1:";

    /// <summary>Longest password accepted, in characters. 1024.</summary>
    public const int MaxPasswordLength = 1024;

    /// <summary>Longest response (one-time code) accepted, in characters. 64.</summary>
    public const int MaxCodeLength = 64;

    /// <summary>Whether the text claims to be an SCRV1 answer (whether or not it decodes).</summary>
    public static bool IsStaticChallenge(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Decodes an SCRV1 answer into password and code. False, with a reason safe to log (it never
    /// quotes the input), when the text is not valid base64 UTF-8 of printable characters, or either
    /// part is empty or too long.
    /// </summary>
    public static bool TryDecode(string? text, [NotNullWhen(true)] out StaticChallengeAnswer? answer, [NotNullWhen(false)] out string? error)
    {
        answer = null;
        if (!IsStaticChallenge(text))
        {
            error = "the password is not a static-challenge answer (SCRV1)";
            return false;
        }
        var parts = text!.Split(':');
        if (parts.Length != 3)
        {
            error = "the static-challenge answer does not have the form SCRV1:password:code";
            return false;
        }
        if (!TryDecodePart(parts[1], MaxPasswordLength, out var password, out error)
            || !TryDecodePart(parts[2], MaxCodeLength, out var code, out error))
        {
            return false;
        }
        if (password.Length == 0 || code.Length == 0)
        {
            error = "the password and the one-time code are both required";
            return false;
        }
        answer = new StaticChallengeAnswer(password, code);
        return true;
    }

    /// <summary>What a client sends for this password and code; for clients without a prompt and for tests.</summary>
    public static string Encode(string password, string code) =>
        Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(password)) + ":" + Convert.ToBase64String(Encoding.UTF8.GetBytes(code));

    private static bool TryDecodePart(string base64, int maxLength, out string value, [NotNullWhen(false)] out string? error)
    {
        value = "";
        // UTF-8 takes at most 4 bytes a character and base64 4 characters per 3 bytes.
        if (base64.Length > (maxLength * 4 + 2) / 3 * 4)
        {
            error = "a part of the static-challenge answer is too long";
            return false;
        }
        var bytes = new byte[base64.Length];
        // Convert's decoder is strict about the alphabet and padding but skips whitespace; SCRV1 has none.
        if (base64.Any(char.IsWhiteSpace) || !Convert.TryFromBase64String(base64, bytes, out var count))
        {
            error = "a part of the static-challenge answer is not base64";
            return false;
        }
        try
        {
            value = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, 0, count);
        }
        catch (DecoderFallbackException)
        {
            error = "a part of the static-challenge answer is not UTF-8 text";
            return false;
        }
        if (value.Length > maxLength)
        {
            error = "a part of the static-challenge answer is too long";
            return false;
        }
        if (value.Any(char.IsControl))
        {
            error = "a part of the static-challenge answer contains control characters";
            return false;
        }
        error = null;
        return true;
    }
}
