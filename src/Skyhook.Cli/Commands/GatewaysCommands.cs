using System.CommandLine;
using Skyhook.Cli.Api;
using Skyhook.Cli.Output;

namespace Skyhook.Cli.Commands;

/// <summary>`skyhook gateways ...`: add (prints the join command), list with health and drift, remove; and `skyhook vpn profile`.</summary>
public static class GatewaysCommands
{
    public static Command Gateways()
    {
        var gateways = new Command("gateways", "Gateways: health, applied desired-state revision, drift; adding prints the join command.");
        var controller = CommonOptions.Controller();
        var json = CommonOptions.Json();
        var name = new Argument<string>("name") { Description = "The gateway's name." };

        var list = new Command("list", "List gateways; drift means a gateway enforces something other than its group's current state.") { controller, json };
        list.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var all = await client.GetAsync("/api/v1/gateways", cancellationToken);
            if (result.GetValue(json))
            {
                CommonOptions.WriteJson(all);
                return;
            }
            var table = new Table("NAME", "GROUP", "ENDPOINT", "CLIENT BLOCK", "STATUS", "REVISION", "DRIFT", "SESSIONS", "LAST HEARTBEAT");
            foreach (var gateway in all.EnumerateArray())
            {
                table.Add(
                    gateway.Text("name"), gateway.Text("group"), gateway.Text("publicEndpoint"), gateway.Text("clientBlock"), gateway.Text("status"),
                    gateway.Text("appliedRevision"), gateway.GetProperty("drift").GetBoolean() ? "DRIFT" : "no", gateway.Text("sessions"), gateway.Text("lastHeartbeat"));
            }
            Console.Write(table);
        }));
        gateways.Subcommands.Add(list);

        var show = new Command("show", "Show a gateway.") { name, controller };
        show.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            CommonOptions.WriteJson(await client.GetAsync(GatewayPath(result.GetValue(name)!), cancellationToken));
        }));
        gateways.Subcommands.Add(show);

        var group = new Argument<string>("group") { Description = "The gateway group it belongs to." };
        var endpoint = new Option<string>("--public-endpoint") { Description = "The host name or address VPN clients connect to.", Required = true };
        var add = new Command("add", "Add a gateway to a group; prints the one-time join command to run on the gateway host.") { group, name, endpoint, controller, json };
        add.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var added = await client.PostAsync(
                $"/api/v1/groups/{Uri.EscapeDataString(result.GetValue(group)!)}/gateways",
                new { name = result.GetValue(name), publicEndpoint = result.GetValue(endpoint) },
                cancellationToken);
            PrintJoin(added, result.GetValue(json));
        }));
        gateways.Subcommands.Add(add);

        var renew = new Command("join-token", "Issue a new join command for a gateway that has not enrolled yet.") { name, controller, json };
        renew.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            PrintJoin(await client.PostAsync(GatewayPath(result.GetValue(name)!) + "/join-token", new { }, cancellationToken), result.GetValue(json));
        }));
        gateways.Subcommands.Add(renew);

        var remove = new Command("remove", "Remove a gateway; its credential stops working at once.") { name, controller };
        remove.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            await client.SendIfMatchAsync(HttpMethod.Delete, GatewayPath(result.GetValue(name)!), body: null, cancellationToken);
            Console.WriteLine($"removed gateway {result.GetValue(name)}");
        }));
        gateways.Subcommands.Add(remove);
        return gateways;
    }

    public static Command Vpn()
    {
        var controller = CommonOptions.Controller();
        var user = new Argument<string>("user") { Description = "The VPN user." };
        var group = new Option<string>("--group") { Description = "The gateway group to connect to.", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Write the profile to this file instead of standard output." };
        var profile = new Command("profile", "The user's .ovpn profile: every gateway of the group, the CA, a prompt for the code.") { user, group, output, controller };
        profile.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var text = await client.GetTextAsync(
                $"/api/v1/users/{Uri.EscapeDataString(result.GetValue(user)!)}/vpn-profile?group={Uri.EscapeDataString(result.GetValue(group)!)}", cancellationToken);
            if (result.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, text, cancellationToken);
                Console.WriteLine($"wrote {path}");
            }
            else
            {
                Console.Write(text);
            }
        }));
        return new Command("vpn", "VPN client profiles.") { profile };
    }

    private static void PrintJoin(System.Text.Json.JsonElement added, bool json)
    {
        if (json)
        {
            CommonOptions.WriteJson(added);
            return;
        }
        Console.WriteLine($"Run this on the gateway host (once; it expires {added.Text("expiresAt")}):");
        Console.WriteLine("  " + added.Text("joinCommand"));
    }

    private static string GatewayPath(string name) => "/api/v1/gateways/" + Uri.EscapeDataString(name);
}
