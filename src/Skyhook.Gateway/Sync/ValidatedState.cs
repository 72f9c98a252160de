using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;
using Skyhook.Core.Groups;
using Skyhook.Core.Policy;
using Skyhook.Core.Vpn;

namespace Skyhook.Gateway.Sync;

/// <summary>
/// A desired state that passed <see cref="DesiredStateValidator"/>: the document as received (its
/// revision and hash are what the heartbeat echoes) and every text field parsed, so reconcilers never
/// parse or fail on input again.
/// </summary>
/// <param name="Nameservers">Where the gateway's DNS forwards names that are not container names; empty: the host's resolvers.</param>
/// <param name="SearchDomains">The domains under which the gateway's DNS answers container names: lowercase, without a trailing dot, each once.</param>
/// <param name="HideUnreachableNames">True: a container name the user's profile cannot reach answers NXDOMAIN for that user.</param>
public sealed record ValidatedState(
    DesiredState Document,
    Cidr ClientBlock,
    VpnTransport Transport,
    TunnelMode TunnelMode,
    IReadOnlyList<Cidr> AdditionalCidrs,
    IReadOnlyList<IPAddress> Nameservers,
    IReadOnlyList<string> SearchDomains,
    bool HideUnreachableNames,
    IReadOnlyList<ValidatedOverlay> Overlays,
    IReadOnlyDictionary<string, AccessProfile> Profiles,
    IReadOnlyDictionary<string, UserDocument> Users)
{
    public long Revision => Document.Revision;

    public string Hash => Document.Hash;

    /// <summary>Sessions an admin ended; the gateway cuts them wherever they run.</summary>
    public IReadOnlySet<string> EndedSessions { get; init; } = new HashSet<string>();

    /// <summary>True when the user exists and is enabled (names compare case-insensitively, as user names do).</summary>
    public bool IsUserEnabled(string userName) => Users.TryGetValue(userName, out var user) && user.Enabled;

    /// <summary>The profile that judges the user's packets now: null for a disabled or unknown user, or one without a profile.</summary>
    public AccessProfile? ProfileOf(string userName) =>
        Users.TryGetValue(userName, out var user) && user is { Enabled: true, Profile: { } name } ? Profiles.GetValueOrDefault(name) : null;
}

public sealed record ValidatedOverlay(string Name, Cidr Subnet, bool Enabled, string? ManagerAddress, string? JoinToken)
{
    public override string ToString() =>
        $"ValidatedOverlay {{ Name = {Name}, Subnet = {Subnet}, Enabled = {Enabled}, ManagerAddress = {ManagerAddress}, JoinToken = {(JoinToken is null ? "null" : "***")} }}";
}
