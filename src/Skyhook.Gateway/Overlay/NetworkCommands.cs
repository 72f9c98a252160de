using System.Text.Json;
using Skyhook.Linux;

namespace Skyhook.Gateway.Overlay;

/// <summary>One address on an interface, as `ip -j addr` shows it.</summary>
public sealed record InterfaceAddress(string Interface, string Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>
/// ip, iptables, nft and sysctl in one network namespace (null: this process's own), through the one
/// process runner. Reads return what the kernel shows (JSON where the tool has it); writes are only
/// made by callers that read first.
/// </summary>
public sealed class NetworkCommands(ProcessRunner runner, string? namespacePath)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    public string? NamespacePath { get; } = namespacePath;

    public Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool checkExitCode = true, string? input = null) =>
        runner.RunAsync(
            new ProcessSpec(program, arguments) { CheckExitCode = checkExitCode, StandardInput = input, Timeout = CommandTimeout }
                .InNetworkNamespace(NamespacePath),
            cancellationToken);

    /// <summary>Whether interface <paramref name="name"/> exists, its alias, and whether it is up (administratively).</summary>
    public async Task<(bool Exists, string? Alias, bool Up)> LinkAsync(string name, CancellationToken cancellationToken)
    {
        var result = await RunAsync("ip", ["-j", "link", "show", "dev", name], cancellationToken, checkExitCode: false);
        if (!result.Succeeded)
        {
            return (false, null, false);
        }
        using var json = JsonDocument.Parse(result.StandardOutput);
        var link = json.RootElement.EnumerateArray().FirstOrDefault();
        if (link.ValueKind != JsonValueKind.Object)
        {
            return (false, null, false);
        }
        var alias = link.TryGetProperty("ifalias", out var a) ? a.GetString() : null;
        var up = link.TryGetProperty("flags", out var flags) && flags.EnumerateArray().Any(f => f.GetString() == "UP");
        return (true, alias, up);
    }

    /// <summary>Every interface whose alias starts with <paramref name="aliasPrefix"/>, with that alias.</summary>
    public async Task<IReadOnlyList<(string Name, string Alias)>> LinksWithAliasAsync(string aliasPrefix, CancellationToken cancellationToken)
    {
        var result = await RunAsync("ip", ["-j", "link", "show"], cancellationToken);
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.EnumerateArray()
            .Where(l => l.TryGetProperty("ifalias", out var a) && a.GetString()?.StartsWith(aliasPrefix, StringComparison.Ordinal) == true)
            .Select(l => (l.GetProperty("ifname").GetString()!, l.GetProperty("ifalias").GetString()!))
            .ToList();
    }

    /// <summary>The IPv4 addresses of one interface, or of every interface when <paramref name="device"/> is null.</summary>
    public async Task<IReadOnlyList<InterfaceAddress>> AddressesAsync(string? device, CancellationToken cancellationToken)
    {
        var result = await RunAsync("ip", device is null ? ["-j", "-4", "addr", "show"] : ["-j", "-4", "addr", "show", "dev", device], cancellationToken, checkExitCode: false);
        if (!result.Succeeded)
        {
            return [];
        }
        using var json = JsonDocument.Parse(result.StandardOutput);
        var addresses = new List<InterfaceAddress>();
        foreach (var link in json.RootElement.EnumerateArray())
        {
            if (!link.TryGetProperty("addr_info", out var info))
            {
                continue;
            }
            var name = link.GetProperty("ifname").GetString()!;
            foreach (var address in info.EnumerateArray())
            {
                if (address.TryGetProperty("local", out var local) && address.TryGetProperty("prefixlen", out var length))
                {
                    addresses.Add(new InterfaceAddress(name, local.GetString()!, length.GetInt32()));
                }
            }
        }
        return addresses;
    }

    /// <summary>The route for exactly <paramref name="destination"/> ("default" or a prefix): its gateway and device, or null.</summary>
    public async Task<(string? Gateway, string Device)?> RouteAsync(string destination, CancellationToken cancellationToken)
    {
        var result = await RunAsync("ip", ["-j", "-4", "route", "show", "exact", destination], cancellationToken, checkExitCode: false);
        if (!result.Succeeded || result.StandardOutput.Trim().Length == 0)
        {
            return null;
        }
        using var json = JsonDocument.Parse(result.StandardOutput);
        var route = json.RootElement.EnumerateArray().FirstOrDefault();
        if (route.ValueKind != JsonValueKind.Object || !route.TryGetProperty("dev", out var dev))
        {
            return null;
        }
        return (route.TryGetProperty("gateway", out var gateway) ? gateway.GetString() : null, dev.GetString()!);
    }

    /// <summary>The rules of an iptables chain as `iptables -S` prints them (without the -N line); empty when the chain does not exist.</summary>
    public async Task<IReadOnlyList<string>> IptablesRulesAsync(string chain, CancellationToken cancellationToken)
    {
        var result = await RunAsync("iptables", ["-w", "-S", chain], cancellationToken, checkExitCode: false);
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => line.StartsWith("-A ", StringComparison.Ordinal)).ToList()
            : [];
    }

    /// <summary>Whether the chain exists at all (dockerd creates DOCKER-USER when it manages iptables).</summary>
    public async Task<bool> IptablesChainExistsAsync(string chain, CancellationToken cancellationToken) =>
        (await RunAsync("iptables", ["-w", "-S", chain], cancellationToken, checkExitCode: false)).Succeeded;

    /// <summary>`iptables -C`: whether exactly this rule is in the chain.</summary>
    public async Task<bool> IptablesHasAsync(string chain, IReadOnlyList<string> rule, CancellationToken cancellationToken) =>
        (await RunAsync("iptables", ["-w", "-C", chain, .. rule], cancellationToken, checkExitCode: false)).Succeeded;

    public Task IptablesInsertAsync(string chain, IReadOnlyList<string> rule, CancellationToken cancellationToken) =>
        RunAsync("iptables", ["-w", "-I", chain, .. rule], cancellationToken);

    public Task IptablesDeleteAsync(string chain, IReadOnlyList<string> rule, CancellationToken cancellationToken) =>
        RunAsync("iptables", ["-w", "-D", chain, .. rule], cancellationToken);

    /// <summary>`nft -j list table`: the table's JSON, or null when it does not exist.</summary>
    public async Task<string?> NftTableAsync(string family, string table, CancellationToken cancellationToken)
    {
        var result = await RunAsync("nft", ["-j", "list", "table", family, table], cancellationToken, checkExitCode: false);
        return result.Succeeded ? result.StandardOutput : null;
    }

    /// <summary>Applies an nftables script as one transaction (`nft -f -`): all of it or none of it.</summary>
    public Task NftApplyAsync(string script, CancellationToken cancellationToken) =>
        RunAsync("nft", ["-f", "-"], cancellationToken, input: script);

    public async Task<string> SysctlAsync(string key, CancellationToken cancellationToken) =>
        (await RunAsync("sysctl", ["-n", key], cancellationToken)).StandardOutput.Trim();

    public Task SetSysctlAsync(string key, string value, CancellationToken cancellationToken) =>
        RunAsync("sysctl", ["-q", "-w", key + "=" + value], cancellationToken);
}
