using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Host;

/// <summary>
/// Where the controller is and how the gateway knows it is the real one: the controller serves
/// HTTPS with a self-signed certificate, and the join command carries that certificate's SHA-256
/// fingerprint. Every gateway-to-controller call goes through <see cref="CreateHandler"/>, which
/// accepts exactly that certificate and nothing else (no CA store, no name check: the pin is the
/// trust). Plain http:// is allowed to a loopback host (the controller on the same machine), or
/// anywhere when <paramref name="AllowInsecureHttp"/> is set for a lab.
/// </summary>
public sealed record ControllerEndpoint(Uri BaseAddress, byte[] Fingerprint, bool AllowInsecureHttp)
{
    public const string FingerprintPrefix = "sha256:";

    public string FingerprintText => FingerprintPrefix + Convert.ToHexStringLower(Fingerprint);

    public static bool TryCreate(string? url, string? fingerprint, bool allowInsecureHttp, [NotNullWhen(true)] out ControllerEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            error = $"'{url}' is not a controller URL (https://HOST[:PORT])";
            return false;
        }
        if (uri.Scheme == "http" && !allowInsecureHttp && !IsLoopback(uri))
        {
            error = $"'{url}' is plain http to a host that is not loopback: use the https:// URL from the join command (or --insecure-http, for labs only)";
            return false;
        }
        if (!TryParseFingerprint(fingerprint, out var bytes))
        {
            error = "the fingerprint must be sha256: followed by 64 hex digits, as printed in the join command";
            return false;
        }
        endpoint = new ControllerEndpoint(new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/"), bytes, allowInsecureHttp);
        error = null;
        return true;
    }

    public static bool TryParseFingerprint(string? text, [NotNullWhen(true)] out byte[]? fingerprint)
    {
        fingerprint = null;
        if (text is null || !text.StartsWith(FingerprintPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // Also accept the colon-separated form that openssl and browsers print.
        var hex = text[FingerprintPrefix.Length..].Replace(":", "", StringComparison.Ordinal);
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }
        fingerprint = Convert.FromHexString(hex);
        return true;
    }

    /// <summary>True when <paramref name="certificate"/> is exactly the pinned one; chain and name errors do not matter (self-signed by design).</summary>
    public bool Matches(X509Certificate? certificate) =>
        certificate is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), Fingerprint);

    /// <summary>The handler for every call to the controller: the pinned certificate only.</summary>
    public HttpMessageHandler CreateHandler() => new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => Matches(certificate),
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
    };

    /// <summary>An HttpClient for the gateway API: base address, contract header, pinned certificate.</summary>
    public HttpClient CreateClient(TimeSpan timeout)
    {
        var client = new HttpClient(CreateHandler()) { BaseAddress = BaseAddress, Timeout = timeout };
        client.DefaultRequestHeaders.Add(ContractVersion.Header, ContractVersion.Current.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return client;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    public override string ToString() => $"ControllerEndpoint {{ BaseAddress = {BaseAddress}, Fingerprint = {FingerprintText} }}";

    public bool Equals(ControllerEndpoint? other) =>
        other is not null && BaseAddress == other.BaseAddress && Fingerprint.AsSpan().SequenceEqual(other.Fingerprint) && AllowInsecureHttp == other.AllowInsecureHttp;

    public override int GetHashCode() => HashCode.Combine(BaseAddress, AllowInsecureHttp);
}
