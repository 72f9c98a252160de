using System.CommandLine;
using System.Text.Json;
using Skyhook.Cli.Api;
using Skyhook.Cli.Output;
using Skyhook.Core.Formatting;

namespace Skyhook.Cli.Commands;

/// <summary>`skyhook sessions ...`: the live VPN sessions the gateways report, and ending one.</summary>
public static class SessionsCommands
{
    public static Command Create()
    {
        var sessions = new Command("sessions", "Live VPN sessions: who, on which gateway, from where; end one.");
        var controller = CommonOptions.Controller();
        var json = CommonOptions.Json();

        var user = new Option<string>("--user") { Description = "Only this user's sessions." };
        var list = new Command("list", "List the live sessions the online gateways report.") { user, controller, json };
        list.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var path = result.GetValue(user) is { } name ? "/api/v1/sessions?user=" + Uri.EscapeDataString(name) : "/api/v1/sessions";
            var all = await client.GetAsync(path, cancellationToken);
            if (result.GetValue(json))
            {
                CommonOptions.WriteJson(all);
                return;
            }
            // Bytes as the gateway counts them: FROM CLIENT is the user's uploads, TO CLIENT their downloads.
            var table = new Table("ID", "USER", "GATEWAY", "VPN ADDRESS", "FROM", "SINCE", "FROM CLIENT", "TO CLIENT");
            foreach (var session in all.EnumerateArray())
            {
                table.Add(session.Text("id"), session.Text("user"), session.Text("gateway"), session.Text("address"), session.Text("publicAddress"), session.Text("since"),
                    Bytes(session, "bytesFromClient"), Bytes(session, "bytesToClient"));
            }
            Console.Write(table);
        }));
        sessions.Subcommands.Add(list);

        var id = new Argument<string>("id") { Description = "The session's id, as `skyhook sessions list` shows it." };
        var end = new Command("end", "End a session: its gateway cuts it at once and its token no longer signs in.") { id, controller };
        end.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            await client.DeleteAsync("/api/v1/sessions/" + Uri.EscapeDataString(result.GetValue(id)!), cancellationToken);
            Console.WriteLine($"ended session {result.GetValue(id)}");
        }));
        sessions.Subcommands.Add(end);
        return sessions;
    }

    // A controller from before the counts sends none: "-" rather than a made-up 0.
    private static string? Bytes(JsonElement session, string property) =>
        session.TryGetProperty(property, out var value) && value.TryGetInt64(out var bytes) ? ByteSize.Format(bytes) : null;
}
