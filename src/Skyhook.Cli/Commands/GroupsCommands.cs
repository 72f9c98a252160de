using System.CommandLine;
using System.Text.Json;
using Skyhook.Cli.Api;
using Skyhook.Cli.Output;

namespace Skyhook.Cli.Commands;

/// <summary>
/// `skyhook groups ...` (the VPN settings every gateway of a group shares) and `skyhook
/// container-access ...` (the overlay networks its gateways attach to). Edits are read-modify-write
/// under If-Match; swarm join tokens are read from standard input and never shown.
/// </summary>
public static class GroupsCommands
{
    public static Command Groups()
    {
        var groups = new Command("groups", "Gateway groups: VPN settings shared by every gateway of the group.");
        var controller = CommonOptions.Controller();
        var json = CommonOptions.Json();
        var name = new Argument<string>("name") { Description = "The group's name." };

        var list = new Command("list", "List groups.") { controller, json };
        list.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var all = await client.GetAsync("/api/v1/groups", cancellationToken);
            if (result.GetValue(json))
            {
                CommonOptions.WriteJson(all);
                return;
            }
            var table = new Table("NAME", "VPN", "TUNNEL", "CLIENT POOL", "OVERLAYS");
            foreach (var group in all.EnumerateArray())
            {
                table.Add(
                    group.Text("name"),
                    $"{group.Text("transport")}/{group.Text("port")}",
                    group.Text("tunnelMode"),
                    $"{group.Text("clientPool")} in /{group.Text("clientBlockPrefixLength")}",
                    string.Join(", ", group.GetProperty("overlays").EnumerateArray().Select(o => $"{o.Text("name")} {o.Text("subnet")}")));
            }
            Console.Write(table);
        }));
        groups.Subcommands.Add(list);

        var show = new Command("show", "Show a group.") { name, controller };
        show.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            CommonOptions.WriteJson(await client.GetAsync(GroupPath(result.GetValue(name)!), cancellationToken));
        }));
        groups.Subcommands.Add(show);

        var settings = new SettingsOptions();
        var create = new Command("create", "Create a group; unset settings take their defaults (UDP 1194, split tunnel, 192.168.43.0/24).") { name, controller, json };
        settings.AddTo(create);
        create.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var body = new Dictionary<string, object?> { ["name"] = result.GetValue(name) };
            settings.Apply(result, body);
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            Print(await client.PostAsync("/api/v1/groups", body, cancellationToken), result.GetValue(json));
        }));
        groups.Subcommands.Add(create);

        var update = new Command("update", "Change some of a group's settings; the others stay.") { name, controller, json };
        settings.AddTo(update);
        update.SetAction((result, cancellationToken) => CommonOptions.RunAsync(() =>
            EditAsync(result.GetValue(controller), result.GetValue(name)!, result.GetValue(json), body => settings.Apply(result, body), cancellationToken)));
        groups.Subcommands.Add(update);

        var delete = new Command("delete", "Delete a group (refused while it has gateways).") { name, controller };
        delete.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            await client.SendIfMatchAsync(HttpMethod.Delete, GroupPath(result.GetValue(name)!), body: null, cancellationToken);
            Console.WriteLine($"deleted group {result.GetValue(name)}");
        }));
        groups.Subcommands.Add(delete);
        return groups;
    }

    public static Command ContainerAccess()
    {
        var access = new Command("container-access", "The overlay networks a group's gateways attach to, so VPN users reach their containers.");
        var controller = CommonOptions.Controller();
        var json = CommonOptions.Json();
        var group = new Argument<string>("group") { Description = "The gateway group." };
        var network = new Argument<string>("network") { Description = "The Docker overlay network's name." };

        var list = new Command("list", "List a group's overlay networks.") { group, controller, json };
        list.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var overlays = (await client.GetAsync(GroupPath(result.GetValue(group)!), cancellationToken)).GetProperty("overlays");
            if (result.GetValue(json))
            {
                CommonOptions.WriteJson(overlays);
                return;
            }
            var table = new Table("NETWORK", "SUBNET", "ENABLED", "SWARM MANAGER");
            foreach (var overlay in overlays.EnumerateArray())
            {
                table.Add(overlay.Text("name"), overlay.Text("subnet"), overlay.GetProperty("enabled").GetBoolean() ? "yes" : "no",
                    overlay.TryGetProperty("join", out var join) && join.ValueKind == JsonValueKind.Object ? join.Text("managerAddress") : null);
            }
            Console.Write(table);
        }));
        access.Subcommands.Add(list);

        var subnet = new Option<string?>("--subnet") { Description = "The overlay's subnet, e.g. 10.0.0.0/16 (required the first time)." };
        var manager = new Option<string?>("--manager") { Description = "HOST:PORT of a swarm manager, when gateways must join the swarm." };
        var tokenStdin = new Option<bool>("--join-token-stdin") { Description = "Read the swarm worker join token from standard input (with --manager)." };
        var enable = new Command("enable", "Give VPN users access to an overlay network (adds it or re-enables it).") { group, network, subnet, manager, tokenStdin, controller, json };
        enable.SetAction((result, cancellationToken) => CommonOptions.RunAsync(() =>
            EditOverlaysAsync(result.GetValue(controller), result.GetValue(group)!, result.GetValue(json), overlays =>
            {
                var existing = overlays.FindIndex(o => NameOf(o) == result.GetValue(network));
                var overlay = existing >= 0 ? overlays[existing] : new Dictionary<string, object?> { ["name"] = result.GetValue(network) };
                overlay["enabled"] = true;
                if (result.GetValue(subnet) is { } newSubnet)
                {
                    overlay["subnet"] = newSubnet;
                }
                else if (existing < 0)
                {
                    throw new ApiException($"--subnet is required to add overlay network {result.GetValue(network)}");
                }
                if (result.GetValue(manager) is { } managerAddress)
                {
                    var token = result.GetValue(tokenStdin) ? Console.In.ReadLine() : null;
                    overlay["join"] = new Dictionary<string, object?> { ["managerAddress"] = managerAddress, ["joinToken"] = token ?? throw new ApiException("--manager needs the join token on standard input (--join-token-stdin)") };
                }
                if (existing < 0)
                {
                    overlays.Add(overlay);
                }
            }, cancellationToken)));
        access.Subcommands.Add(enable);

        foreach (var (verb, description) in new[] { ("disable", "Stop routing to an overlay network (kept for enabling again)."), ("remove", "Remove an overlay network from the group.") })
        {
            var command = new Command(verb, description) { group, network, controller, json };
            command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(() =>
                EditOverlaysAsync(result.GetValue(controller), result.GetValue(group)!, result.GetValue(json), overlays =>
                {
                    var index = overlays.FindIndex(o => NameOf(o) == result.GetValue(network));
                    if (index < 0)
                    {
                        throw new ApiException($"group {result.GetValue(group)} has no overlay network {result.GetValue(network)}");
                    }
                    if (verb == "remove")
                    {
                        overlays.RemoveAt(index);
                    }
                    else
                    {
                        overlays[index]["enabled"] = false;
                    }
                }, cancellationToken)));
            access.Subcommands.Add(command);
        }
        return access;
    }

    private static Task EditOverlaysAsync(string? controllerUrl, string group, bool json, Action<List<Dictionary<string, object?>>> edit, CancellationToken cancellationToken) =>
        EditAsync(controllerUrl, group, json, body =>
        {
            var overlays = (List<Dictionary<string, object?>>)body["overlays"]!;
            edit(overlays);
        }, cancellationToken);

    /// <summary>Reads the group, turns its view back into a request (join tokens stay "***": kept), edits, and PUTs under If-Match.</summary>
    private static async Task EditAsync(string? controllerUrl, string name, bool json, Action<Dictionary<string, object?>> edit, CancellationToken cancellationToken)
    {
        using var client = ControllerClient.FromConfig(controllerUrl);
        var path = GroupPath(name);
        var current = await client.GetAsync(path, cancellationToken);
        var body = new Dictionary<string, object?>();
        foreach (var property in current.EnumerateObject().Where(p => p.Name is not ("name" or "createdAt" or "updatedAt" or "overlays")))
        {
            body[property.Name] = property.Value.Clone();
        }
        body["overlays"] = current.GetProperty("overlays").EnumerateArray()
            .Select(o => o.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone()))
            .ToList();
        edit(body);
        Print(await client.SendIfMatchAsync(HttpMethod.Put, path, body, cancellationToken), json);
    }

    private static void Print(JsonElement group, bool json)
    {
        if (json)
        {
            CommonOptions.WriteJson(group);
            return;
        }
        Console.WriteLine($"group {group.Text("name")}: {group.Text("transport")}/{group.Text("port")}, {group.Text("tunnelMode")} tunnel, "
            + $"client pool {group.Text("clientPool")} in /{group.Text("clientBlockPrefixLength")} blocks, sessions {group.Text("sessionLifetimeSeconds")} s"
            + (group.TryGetProperty("hideUnreachableNames", out var hide) ? $", unreachable names {(hide.GetBoolean() ? "hidden" : "shown")}" : "")
            + (group.TryGetProperty("loadBalancer", out var balancer) && balancer.ValueKind == JsonValueKind.String ? $", clients connect through the load balancer {balancer.GetString()}" : ""));
        foreach (var overlay in group.GetProperty("overlays").EnumerateArray())
        {
            Console.WriteLine($"  overlay {overlay.Text("name")} {overlay.Text("subnet")}{(overlay.GetProperty("enabled").GetBoolean() ? "" : " (disabled)")}");
        }
    }

    // Overlays read back from the API hold JSON values; added ones hold strings.
    private static string? NameOf(Dictionary<string, object?> overlay) =>
        overlay["name"] is JsonElement json ? json.GetString() : overlay["name"] as string;

    private static string GroupPath(string name) => "/api/v1/groups/" + Uri.EscapeDataString(name);

    /// <summary>The group settings as options, shared by create and update: only those given are sent.</summary>
    private sealed class SettingsOptions
    {
        private readonly Option<string?> _transport = new("--transport") { Description = "udp (default) or tcp (for TCP load balancers)." };
        private readonly Option<int?> _port = new("--port") { Description = "The port gateways listen on (default 1194)." };
        private readonly Option<string?> _balancer = new("--load-balancer") { Description = "host or host:port of a load balancer in front of the gateways: profiles connect to it alone (\"\" removes it)." };
        private readonly Option<string?> _tunnel = new("--tunnel") { Description = "split (default: only overlays and additional CIDRs) or full." };
        private readonly Option<string[]> _additional = new("--additional-cidr") { Description = "Also routed through the VPN in split tunnel; repeat." };
        private readonly Option<string[]> _nameservers = new("--nameserver") { Description = "Where the gateways' DNS forwards names that are not container names (none: the gateway host's resolvers); clients are given the gateway's own DNS. Repeat." };
        private readonly Option<string[]> _searchDomains = new("--search-domain") { Description = "Pushed to clients; container names resolve under it (web1.apps.internal). Repeat." };
        private readonly Option<bool?> _hideUnreachable = new("--hide-unreachable-names")
        {
            Description = "true (default): names of containers a user's profile cannot reach answer NXDOMAIN for that user; false: every user resolves every container name (the policy still decides access).",
        };
        private readonly Option<string?> _pool = new("--client-pool") { Description = "VPN client addresses, carved per gateway (default 192.168.43.0/24)." };
        private readonly Option<int?> _block = new("--client-block-prefix") { Description = "Each gateway's block of the pool (default 24)." };
        private readonly Option<int?> _lifetime = new("--session-lifetime") { Description = "Seconds a login lasts before a new code is needed (default 43200)." };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _transport, _port, _balancer, _tunnel, _additional, _nameservers, _searchDomains, _hideUnreachable, _pool, _block, _lifetime })
            {
                command.Options.Add(option);
            }
        }

        public void Apply(ParseResult result, Dictionary<string, object?> body)
        {
            void Set<T>(string field, Option<T> option)
            {
                if (result.GetResult(option) is { Implicit: false })
                {
                    body[field] = result.GetValue(option);
                }
            }
            Set("transport", _transport);
            Set("port", _port);
            Set("loadBalancer", _balancer);
            Set("tunnelMode", _tunnel);
            Set("additionalCidrs", _additional);
            Set("nameservers", _nameservers);
            Set("searchDomains", _searchDomains);
            Set("hideUnreachableNames", _hideUnreachable);
            Set("clientPool", _pool);
            Set("clientBlockPrefixLength", _block);
            Set("sessionLifetimeSeconds", _lifetime);
        }
    }
}
