using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Skyhook.Controller.Events.Export;

/// <summary>A certificate's SHA-256 fingerprint as written in settings: hex digits, colons and a <c>sha256:</c> prefix allowed.</summary>
internal static class CertificatePin
{
    /// <summary>The 64 lower-case hex digits; null when <paramref name="value"/> is no SHA-256 fingerprint.</summary>
    public static string? Normalize(string value)
    {
        var hex = value.Trim();
        if (hex.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex["sha256:".Length..];
        }

        hex = hex.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit) ? hex : null;
    }

    public static string Of(X509Certificate certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));
}
