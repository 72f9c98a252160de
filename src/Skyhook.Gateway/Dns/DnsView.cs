using System.Net;
using Skyhook.Core.Dns;
using Skyhook.Gateway.Sync;

namespace Skyhook.Gateway.Dns;

/// <summary>
/// What the DNS service answers from, replaced whole when the desired state or the containers
/// change: the container names, the state (users, their profiles, whether a name a user cannot reach
/// is hidden from them), and where other names are forwarded.
/// </summary>
public sealed class DnsView(OverlayNameTable names, ValidatedState? state, IReadOnlyList<IPEndPoint> upstreams)
{
    public static DnsView Empty { get; } = new(OverlayNameTable.Empty, null, []);

    public IReadOnlyList<IPEndPoint> Upstreams => upstreams;

    /// <summary>
    /// Null when <paramref name="name"/> is no container name (forward it); empty when it is one that
    /// <paramref name="userName"/>'s profile reaches none of (hidden: NXDOMAIN); else the addresses.
    /// A disabled user, or one without a profile, reaches nothing. Before the first state every
    /// container name is hidden.
    /// </summary>
    public IReadOnlyList<IPAddress>? Find(string name, string userName) =>
        state is { HideUnreachableNames: false }
            ? names.Find(name)
            : names.For(state?.ProfileOf(userName)).Find(name);
}
