namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// A <c>ct timeout</c> object of the table: conntrack timeouts, in seconds per state, for the
/// connections a rule gives it to with <see cref="NftSetConntrackTimeout"/>. States left out keep
/// the kernel's defaults.
/// </summary>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>.</param>
/// <param name="L3Proto"><c>ip</c> or <c>ip6</c>: the object's family (its timeouts apply per transport protocol).</param>
public sealed record NftConntrackTimeout(string Name, string Protocol, string L3Proto, IReadOnlyList<KeyValuePair<string, int>> Policy);
