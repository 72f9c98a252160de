using System.CommandLine;
using System.Globalization;
using Skyhook.Cli.Api;

namespace Skyhook.Cli.Commands;

/// <summary>
/// `skyhook access check USER DEST PROTO[/PORT]`: the verdict and the rule that decides it. DEST is an
/// address, or a container (else service) name that a gateway discovered: one line per address.
/// </summary>
public static class AccessCommands
{
    public static Command Create()
    {
        var controller = CommonOptions.Controller();
        var json = CommonOptions.Json();
        var user = new Argument<string>("user") { Description = "The user whose profile judges the packet." };
        var destination = new Argument<string>("destination") { Description = "An IP address, or the name of a container or service (as the gateways discovered it)." };
        var protocolPort = new Argument<string>("protocol") { Description = "tcp/PORT, udp/PORT or icmp." };
        var container = new Option<string?>("--container") { Description = "The container at the destination (for name targets)." };
        var service = new Option<string?>("--service") { Description = "The service it is a task of." };
        var labels = new Option<string[]>("--label") { Description = "A label KEY=VALUE of the container; repeat." };
        var networks = new Option<string[]>("--network") { Description = "A network the container is on; repeat." };
        var check = new Command("check", "Would this user's packet pass? Prints the verdict and the deciding rule.")
        {
            user, destination, protocolPort, container, service, labels, networks, controller, json,
        };
        check.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var (protocol, port) = ParseProtocol(result.GetValue(protocolPort)!);
            var facts = result.GetValue(container) is null && result.GetValue(service) is null
                && (result.GetValue(labels) ?? []).Length == 0 && (result.GetValue(networks) ?? []).Length == 0
                ? null
                : new
                {
                    name = result.GetValue(container),
                    service = result.GetValue(service),
                    labels = (result.GetValue(labels) ?? []).Select(ParseLabel).ToDictionary(l => l.Key, l => l.Value),
                    networks = result.GetValue(networks) ?? [],
                };
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var verdict = await client.PostAsync(
                "/api/v1/access/check",
                new { user = result.GetValue(user), destination = result.GetValue(destination), protocol, port, container = facts },
                cancellationToken);
            if (result.GetValue(json))
            {
                CommonOptions.WriteJson(verdict);
                return;
            }
            IEnumerable<System.Text.Json.JsonElement> all = verdict.TryGetProperty("others", out var others) && others.ValueKind == System.Text.Json.JsonValueKind.Array
                ? [verdict, .. others.EnumerateArray()]
                : [verdict];
            foreach (var one in all)
            {
                var container = one.TryGetProperty("container", out var name) && name.ValueKind == System.Text.Json.JsonValueKind.String ? $" ({name.GetString()})" : "";
                Console.WriteLine($"{one.Text("verdict")} {one.Text("address")}{container} (profile {one.Text("profile")}): {one.Text("explanation")}");
            }
        }));
        return new Command("access", "Access decisions.") { check };
    }

    private static (string Protocol, int? Port) ParseProtocol(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 1 && parts[0] == "icmp")
        {
            return ("icmp", null);
        }
        if (parts.Length == 2 && parts[0] is "tcp" or "udp"
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return (parts[0], port);
        }
        throw new ApiException($"'{text}' is not tcp/PORT, udp/PORT or icmp (PORT 1-65535)");
    }

    private static KeyValuePair<string, string> ParseLabel(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            ? new KeyValuePair<string, string>(text[..equals], text[(equals + 1)..])
            : throw new ApiException($"--label '{text}' is not KEY=VALUE");
    }
}
