using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// The client-connect lines of a <c>client-auth</c>: the client's address, pushed routes, DNS and
/// the session token. Every line is built from a parsed value (<see cref="IPAddress"/>,
/// <see cref="Cidr"/>, a checked DNS name or token), never from a raw string, so nothing in it can
/// end a line, close a quote or add a directive.
/// </summary>
public sealed class ClientConnectConfig
{
    private readonly List<ClientConfigLine> _lines = [];

    public IReadOnlyList<ClientConfigLine> Lines => _lines;

    /// <summary>
    /// The pushed part of a controller decision (<see cref="VpnPush"/>), parsed strictly.
    /// </summary>
    /// <exception cref="FormatException">A route, DNS server or search domain is not valid; the message names it.</exception>
    public static ClientConnectConfig FromPush(VpnPush push)
    {
        ArgumentNullException.ThrowIfNull(push);
        var config = new ClientConnectConfig();
        if (push.RedirectGateway)
        {
            config.RedirectGateway();
        }
        foreach (var route in push.Routes)
        {
            if (!Cidr.TryParse(route, out var cidr, out var error))
            {
                throw new FormatException(error);
            }
            config.Route(cidr);
        }
        foreach (var server in push.DnsServers)
        {
            config.DnsServer(ParseAddress(server));
        }
        foreach (var domain in push.SearchDomains)
        {
            config.SearchDomain(domain);
        }
        return config;
    }

    /// <summary>
    /// <c>ifconfig-push ADDRESS NETMASK</c> (topology subnet): the client's tunnel address, inside
    /// this gateway's client block and neither its network, its broadcast nor the server's own
    /// (first) address.
    /// </summary>
    public ClientConnectConfig AssignAddress(IPAddress address, Cidr clientBlock)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (clientBlock.Family != AddressFamily.InterNetwork || address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("client addresses are IPv4 (topology subnet)", nameof(address));
        }
        if (!clientBlock.Contains(address) || address.Equals(clientBlock.FirstAddress) || address.Equals(clientBlock.LastAddress)
            || address.Equals(clientBlock.AddressAt(1)))
        {
            throw new ArgumentException($"{address} is not a client address of {clientBlock}", nameof(address));
        }
        return Add($"ifconfig-push {address} {Netmask(clientBlock.PrefixLength)}");
    }

    /// <summary><c>push "route NET MASK"</c> or <c>push "route-ipv6 NET/LEN"</c>: send this network through the tunnel.</summary>
    public ClientConnectConfig Route(Cidr network)
    {
        if (network.Family == AddressFamily.Unspecified)
        {
            throw new ArgumentException("the route is an uninitialised Cidr", nameof(network));
        }
        return network.Family == AddressFamily.InterNetwork
            ? Add($"push \"route {network.Network} {Netmask(network.PrefixLength)}\"")
            : Add($"push \"route-ipv6 {network}\"");
    }

    /// <summary><c>push "redirect-gateway def1"</c>: full tunnel, all of the client's traffic through the gateway.</summary>
    public ClientConnectConfig RedirectGateway() => Add("push \"redirect-gateway def1\"");

    /// <summary><c>push "dhcp-option DNS ADDRESS"</c>.</summary>
    public ClientConnectConfig DnsServer(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) || HasScope(address))
        {
            throw new ArgumentException($"{address} is not a DNS server address", nameof(address));
        }
        return Add($"push \"dhcp-option DNS {address}\"");
    }

    /// <summary>
    /// A DNS search domain: the first as <c>dhcp-option DOMAIN</c> (the connection's suffix, what
    /// every client understands), the rest as <c>dhcp-option DOMAIN-SEARCH</c>.
    /// </summary>
    public ClientConnectConfig SearchDomain(string domain)
    {
        if (!IsDomainName(domain))
        {
            throw new FormatException($"'{ManagementText.ForLog(domain, 80)}' is not a DNS domain name");
        }
        var option = _lines.Any(l => l.Text.StartsWith("push \"dhcp-option DOMAIN ", StringComparison.Ordinal)) ? "DOMAIN-SEARCH" : "DOMAIN";
        return Add($"push \"dhcp-option {option} {domain.ToLowerInvariant()}\"");
    }

    /// <summary>
    /// Split DNS for clients that understand OpenVPN 2.6's <c>dns</c> option (they announce it in
    /// IV_PROTO, <see cref="ClientEnvironment.SupportsDnsOption"/>): <c>dns server 0 address</c> and
    /// <c>resolve-domains</c>, so only names under <paramref name="domains"/> go to
    /// <paramref name="server"/>, and <c>dns search-domains</c>. Older clients take the
    /// <c>dhcp-option</c> lines (full DNS) and ignore these.
    /// </summary>
    public ClientConnectConfig SplitDns(IPAddress server, IReadOnlyList<string> domains)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(domains);
        if (server.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) || HasScope(server))
        {
            throw new ArgumentException($"{server} is not a DNS server address", nameof(server));
        }
        if (domains.Count == 0)
        {
            return this;
        }
        if (domains.FirstOrDefault(d => !IsDomainName(d)) is { } bad)
        {
            throw new FormatException($"'{ManagementText.ForLog(bad, 80)}' is not a DNS domain name");
        }
        var list = string.Join(' ', domains.Select(d => d.ToLowerInvariant()));
        Add($"push \"dns server 0 address {server}\"");
        Add($"push \"dns server 0 resolve-domains {list}\"");
        return Add($"push \"dns search-domains {list}\"");
    }

    /// <summary>
    /// <c>push "auth-token TOKEN"</c>: the client sends TOKEN instead of its password on
    /// renegotiation and reconnect. The token is masked in <see cref="ClientConfigLine.Description"/>.
    /// </summary>
    public ClientConnectConfig SessionToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        // Base64/base64url/JWT alphabets: nothing the config lexer treats specially.
        if (token.Length is 0 or > ClientCredentials.MaxTokenLength
            || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_' or '.' or '~'))
        {
            throw new ArgumentException("a session token is 1 to 1024 characters of letters, digits and + / = - _ . ~", nameof(token));
        }
        _lines.Add(new ClientConfigLine($"push \"auth-token {token}\"", "push \"auth-token ***\""));
        return this;
    }

    /// <summary>RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens; no trailing dot.</summary>
    public static bool IsDomainName(string? domain) =>
        domain is { Length: > 0 and <= 253 }
        && domain.Split('.').All(label =>
            label.Length is > 0 and <= 63
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && label[0] != '-' && label[^1] != '-');

    private ClientConnectConfig Add(string text)
    {
        _lines.Add(new ClientConfigLine(text, text));
        return this;
    }

    private static IPAddress ParseAddress(string text)
    {
        // Canonical text only: IPAddress.TryParse also reads "10" and "010.1" in ways nobody meant.
        if (!IPAddress.TryParse(text, out var address) || HasScope(address) || address.ToString() != text)
        {
            throw new FormatException($"'{ManagementText.ForLog(text, 80)}' is not an IP address in canonical form");
        }
        return address;
    }

    private static bool HasScope(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0;

    internal static string Netmask(int prefixLength)
    {
        var bits = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        return new IPAddress([(byte)(bits >> 24), (byte)(bits >> 16), (byte)(bits >> 8), (byte)bits]).ToString();
    }
}
