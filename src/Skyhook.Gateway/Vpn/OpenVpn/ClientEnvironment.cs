using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// The <c>&gt;CLIENT:ENV,name=value</c> lines of one notification (the variables an
/// auth-user-pass-verify or client-connect script would see). Values are as OpenVPN sent them: the
/// user name and password are what the client typed and are untrusted. <see cref="ToString"/> masks
/// every secret (password, tokens), so an environment can be logged.
/// </summary>
public sealed class ClientEnvironment : IReadOnlyDictionary<string, string>
{
    public static readonly ClientEnvironment Empty = new(new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, string> _values;

    public ClientEnvironment(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, string>(values, StringComparer.Ordinal);
    }

    /// <summary>The certificate's common name; with username-as-common-name, the user name.</summary>
    public string? CommonName => Get("common_name");

    public string? UserName => Get("username");

    /// <summary>A secret: an SCRV1 string, a session token, or a plain password. Never log it.</summary>
    public string? Password => Get("password");

    /// <summary>The client's public address as the server saw it (before authentication, hence "untrusted").</summary>
    public string? UntrustedIp => Get("untrusted_ip") ?? Get("untrusted_ip6");

    public string? UntrustedPort => Get("untrusted_port");

    /// <summary>The client's OpenVPN version (peer info IV_VER), e.g. 2.6.14.</summary>
    public string? ClientVersion => Get("IV_VER");

    public string? Platform => Get("IV_PLAT");

    /// <summary>
    /// Whether the client takes OpenVPN 2.6's <c>dns</c> option (split DNS): IV_PROTO bit 6,
    /// IV_PROTO_DNS_OPTION in OpenVPN's ssl.h.
    /// </summary>
    public bool SupportsDnsOption =>
        long.TryParse(Get("IV_PROTO"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var flags)
        && (flags & (1 << 6)) != 0;

    public int Count => _values.Count;

    public IEnumerable<string> Keys => _values.Keys;

    public IEnumerable<string> Values => _values.Values;

    public string this[string key] => _values[key];

    /// <summary>Whether a variable of this name carries a secret that must never be logged.</summary>
    public static bool IsSecret(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Equals("session_id", StringComparison.OrdinalIgnoreCase);

    public string? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => _values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>All variables, sorted, secrets masked, control characters replaced.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("{ ");
        foreach (var (name, value) in _values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(ManagementText.ForLog(name, 64)).Append('=')
                .Append(IsSecret(name) ? "***" : ManagementText.ForLog(value, 200)).Append(", ");
        }
        return text.Append('}').ToString();
    }
}
