using System.Collections.ObjectModel;
using System.Net;
using System.Runtime.CompilerServices;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Core.Dns;

/// <summary>
/// The names a VPN user's lookup resolves, as a container on the overlay sees them in Docker's
/// embedded DNS: each container's name and network aliases, each service's name and
/// <c>tasks.SERVICE</c> (every task's address: the lab's services use dnsrr), bare and under each of
/// the group's search domains. Names are case-insensitive; a name several endpoints give resolves to
/// all their addresses. Built once per discovery snapshot; read by many resolver threads.
/// </summary>
public sealed class OverlayNameTable
{
    private const int MaxNameLength = 253;
    private const int MaxLabelLength = 63;

    // Names point at groups: the forms of one name (bare and under each search domain) share one
    // address list, so a profile's view filters each list once, not once per form.
    private readonly Dictionary<string, int> _groupByName;
    private readonly int[][] _groups;
    private readonly OverlayAddress[] _addresses;
    // Read-only wrappers made once: answers are shared by every thread and must not be changeable.
    private readonly ReadOnlyCollection<IPAddress>[] _groupAddresses;
    private readonly ConditionalWeakTable<AccessProfile, Lazy<OverlayNameView>> _views = new();
    private readonly ConditionalWeakTable<AccessProfile, Lazy<OverlayNameView>>.CreateValueCallback _createView;
    private readonly Lazy<OverlayNameView> _nothing;

    private OverlayNameTable(Dictionary<string, int> groupByName, int[][] groups, OverlayAddress[] addresses)
    {
        _groupByName = groupByName;
        _groups = groups;
        _addresses = addresses;
        _groupAddresses = groups.Select(g => Array.AsReadOnly(g.Select(i => addresses[i].Address).ToArray())).ToArray();
        // One delegate for the table's life, so that For() allocates nothing once a profile's view exists.
        _createView = profile => new Lazy<OverlayNameView>(() => BuildView(profile));
        _nothing = new(() => new OverlayNameView(this, _groups.Select(_ => ReadOnlyCollection<IPAddress>.Empty).ToArray()));
    }

    public static OverlayNameTable Empty { get; } = new(new(StringComparer.OrdinalIgnoreCase), [], []);

    /// <summary>Distinct names, the search-domain forms included.</summary>
    public int NameCount => _groupByName.Count;

    /// <param name="endpoints">Discovery's snapshot.</param>
    /// <param name="searchDomains">Lowercase, without a trailing dot (validated by the caller).</param>
    public static OverlayNameTable Build(IReadOnlyList<DiscoveredEndpoint> endpoints, IReadOnlyList<string> searchDomains)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(searchDomains);

        // Every address once, in answer order (IPv4 first); an address two endpoints claim keeps the
        // first one's facts.
        var addresses = new Dictionary<IPAddress, EndpointFacts>();
        foreach (var endpoint in endpoints)
        {
            foreach (var address in endpoint.Addresses)
            {
                addresses.TryAdd(address, endpoint.Facts);
            }
        }

        var ordered = addresses.OrderBy(a => a.Key, AddressComparer.Instance).Select(a => new OverlayAddress(a.Key, a.Value)).ToArray();
        var index = new Dictionary<IPAddress, int>(ordered.Length);
        for (var i = 0; i < ordered.Length; i++)
        {
            index[ordered[i].Address] = i;
        }

        var byBaseName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            foreach (var name in BaseNames(endpoint))
            {
                if (!byBaseName.TryGetValue(name, out var list))
                {
                    byBaseName[name] = list = [];
                }

                list.AddRange(endpoint.Addresses.Select(a => index[a]));
            }
        }

        var groups = new List<int[]>(byBaseName.Count);
        var groupByName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, list) in byBaseName)
        {
            var group = groups.Count;
            groups.Add(Canonical(list));
            foreach (var form in searchDomains.Select(d => $"{name}.{d}").Prepend(name).Where(IsValidName))
            {
                if (groupByName.TryGetValue(form, out var other) && other != group)
                {
                    // A form two names share (name a.b, and name a under domain b): the union, as its own group.
                    groupByName[form] = groups.Count;
                    groups.Add(Canonical([.. groups[other], .. groups[group]]));
                }
                else
                {
                    groupByName[form] = group;
                }
            }
        }

        return new OverlayNameTable(groupByName, [.. groups], ordered);
    }

    /// <summary>
    /// Every address of the name, IPv4 before IPv6, each once, in a stable order; null when it is no
    /// overlay name (the resolver forwards it). <paramref name="queryName"/> is lowercase ASCII without
    /// a trailing dot, as the DNS codec gives it.
    /// </summary>
    public IReadOnlyList<IPAddress>? Find(string queryName) =>
        _groupByName.TryGetValue(queryName, out var group) ? _groupAddresses[group] : null;

    /// <summary>
    /// The names as <paramref name="profile"/> may see them, built on first use and kept for as long
    /// as both the table and that profile instance live; safe to call from many threads. A null
    /// profile sees no address of any overlay name.
    /// </summary>
    public OverlayNameView For(AccessProfile? profile) =>
        profile is null
            ? _nothing.Value
            // GetValue may make two Lazy instances in a race, but stores and returns one, so the view is built once.
            : _views.GetValue(profile, _createView).Value;

    internal bool TryGetGroup(string queryName, out int group) => _groupByName.TryGetValue(queryName, out group);

    private OverlayNameView BuildView(AccessProfile profile)
    {
        var allowed = _addresses.Select(a => Reachability.AllowsAnything(profile, a.Address, a.Facts)).ToArray();
        var filtered = new ReadOnlyCollection<IPAddress>[_groups.Length];
        for (var g = 0; g < _groups.Length; g++)
        {
            var group = _groups[g];
            filtered[g] = group.All(i => allowed[i]) ? _groupAddresses[g]
                : group.Any(i => allowed[i]) ? Array.AsReadOnly(group.Where(i => allowed[i]).Select(i => _addresses[i].Address).ToArray())
                : ReadOnlyCollection<IPAddress>.Empty;
        }

        return new OverlayNameView(this, filtered);
    }

    private static IEnumerable<string> BaseNames(DiscoveredEndpoint endpoint)
    {
        var facts = endpoint.Facts;
        IEnumerable<string?> names = [facts.Container, facts.Service, facts.Service is null ? null : "tasks." + facts.Service, .. endpoint.Aliases];
        return names.OfType<string>().Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal);
    }

    private static int[] Canonical(IEnumerable<int> indexes) => indexes.Distinct().Order().ToArray();

    /// <summary>
    /// Letters, digits, '-', '_' (Docker's names allow it) and dots between labels of 1 to 63
    /// characters, 253 at most in all.
    /// </summary>
    private static bool IsValidName(string name)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        var label = 0;
        foreach (var c in name)
        {
            if (c == '.')
            {
                if (label == 0)
                {
                    return false;
                }

                label = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                if (++label > MaxLabelLength)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return label > 0;
    }
}
