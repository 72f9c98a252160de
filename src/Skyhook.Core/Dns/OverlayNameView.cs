using System.Collections.ObjectModel;
using System.Net;

namespace Skyhook.Core.Dns;

/// <summary>
/// An <see cref="OverlayNameTable"/> as one profile may see it: each name's addresses cut to those the
/// profile can reach at all (<see cref="Policy.Reachability.AllowsAnything"/>), computed once.
/// </summary>
public sealed class OverlayNameView
{
    private readonly OverlayNameTable _table;
    private readonly ReadOnlyCollection<IPAddress>[] _addressesByGroup;

    internal OverlayNameView(OverlayNameTable table, ReadOnlyCollection<IPAddress>[] addressesByGroup)
    {
        _table = table;
        _addressesByGroup = addressesByGroup;
    }

    /// <summary>
    /// Null when it is no overlay name (the resolver forwards it); empty when it is one but the
    /// profile reaches none of its addresses (the resolver answers NXDOMAIN, so names the user may
    /// not reach do not leak); else the addresses the profile reaches, in the table's order.
    /// </summary>
    public IReadOnlyList<IPAddress>? Find(string queryName) =>
        _table.TryGetGroup(queryName, out var group) ? _addressesByGroup[group] : null;
}
