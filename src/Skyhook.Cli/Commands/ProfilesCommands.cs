using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Skyhook.Cli.Api;
using Skyhook.Cli.Output;
using Skyhook.Core.Policy;

namespace Skyhook.Cli.Commands;

/// <summary>
/// `skyhook profiles ...`: access profiles and their ordered rules. Rules are written as one line,
/// "allow container web1 tcp 80,8000:8100", parsed here with the same model the controller uses, so a
/// typo is reported before anything is sent.
/// </summary>
public static class ProfilesCommands
{
    public static Command Create()
    {
        var profiles = new Command("profiles", "Access profiles: a base policy and ordered rules (first match wins).");
        var controller = CommonOptions.Controller();
        var json = CommonOptions.Json();
        var name = new Argument<string>("name") { Description = "The profile's name." };

        var list = new Command("list", "List profiles.") { controller, json };
        list.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var all = await client.GetAsync("/api/v1/profiles", cancellationToken);
            if (result.GetValue(json))
            {
                CommonOptions.WriteJson(all);
                return;
            }
            var table = new Table("NAME", "BASE", "RULES");
            foreach (var profile in all.EnumerateArray())
            {
                table.Add(profile.Text("name"), profile.Text("basePolicy"), profile.GetProperty("rules").GetArrayLength().ToString(CultureInfo.InvariantCulture));
            }
            Console.Write(table);
        }));
        profiles.Subcommands.Add(list);

        var show = new Command("show", "Show a profile with its numbered rules.") { name, controller, json };
        show.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            Print(await client.GetAsync(ProfilePath(result.GetValue(name)!), cancellationToken), result.GetValue(json));
        }));
        profiles.Subcommands.Add(show);

        var basePolicy = new Option<string>("--base") { Description = "deny-all or allow-all: what happens when no rule matches.", DefaultValueFactory = _ => "deny-all" };
        var rules = new Option<string[]>("--rule") { Description = "A rule, e.g. \"allow container web1 tcp 80\"; repeat in order.", AllowMultipleArgumentsPerToken = false };
        var create = new Command("create", "Create a profile.") { name, basePolicy, rules, controller, json };
        create.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var parsed = ParseRules(result.GetValue(rules) ?? []);
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var created = await client.PostAsync(
                "/api/v1/profiles", new { name = result.GetValue(name), basePolicy = result.GetValue(basePolicy), rules = parsed }, cancellationToken);
            Print(created, result.GetValue(json));
        }));
        profiles.Subcommands.Add(create);

        var delete = new Command("delete", "Delete a profile (refused while users have it).") { name, controller };
        delete.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            await client.SendIfMatchAsync(HttpMethod.Delete, ProfilePath(result.GetValue(name)!), body: null, cancellationToken);
            Console.WriteLine($"deleted profile {result.GetValue(name)}");
        }));
        profiles.Subcommands.Add(delete);

        profiles.Subcommands.Add(RulesCommand(name, controller, json));
        return profiles;
    }

    /// <summary>`skyhook profiles rules add|move|delete`: edits the ordered list, read-modify-write under If-Match.</summary>
    private static Command RulesCommand(Argument<string> name, Option<string?> controller, Option<bool> json)
    {
        var rules = new Command("rules", "Edit a profile's ordered rules.");
        var rule = new Argument<string>("rule") { Description = "The rule, e.g. \"deny label team=payments all\"." };
        var at = new Option<int?>("--at") { Description = "Insert as rule number N (1-based); default: at the end." };
        var add = new Command("add", "Add a rule.") { name, rule, at, controller, json };
        add.SetAction((result, cancellationToken) => CommonOptions.RunAsync(() =>
            EditAsync(result.GetValue(controller), result.GetValue(name)!, result.GetValue(json), list =>
            {
                var parsed = ParseRules([result.GetValue(rule)!])[0];
                var position = result.GetValue(at) ?? list.Count + 1;
                RequireNumber(position, list.Count + 1, "--at");
                list.Insert(position - 1, parsed);
            }, cancellationToken)));
        rules.Subcommands.Add(add);

        var from = new Argument<int>("from") { Description = "The rule's number now." };
        var to = new Argument<int>("to") { Description = "Its number afterwards." };
        var move = new Command("move", "Move a rule to another position.") { name, from, to, controller, json };
        move.SetAction((result, cancellationToken) => CommonOptions.RunAsync(() =>
            EditAsync(result.GetValue(controller), result.GetValue(name)!, result.GetValue(json), list =>
            {
                RequireNumber(result.GetValue(from), list.Count, "FROM");
                RequireNumber(result.GetValue(to), list.Count, "TO");
                var moved = list[result.GetValue(from) - 1];
                list.RemoveAt(result.GetValue(from) - 1);
                list.Insert(result.GetValue(to) - 1, moved);
            }, cancellationToken)));
        rules.Subcommands.Add(move);

        var number = new Argument<int>("number") { Description = "The rule's number." };
        var delete = new Command("delete", "Delete a rule.") { name, number, controller, json };
        delete.SetAction((result, cancellationToken) => CommonOptions.RunAsync(() =>
            EditAsync(result.GetValue(controller), result.GetValue(name)!, result.GetValue(json), list =>
            {
                RequireNumber(result.GetValue(number), list.Count, "NUMBER");
                list.RemoveAt(result.GetValue(number) - 1);
            }, cancellationToken)));
        rules.Subcommands.Add(delete);
        return rules;
    }

    private static async Task EditAsync(string? controllerUrl, string name, bool json, Action<List<object>> edit, CancellationToken cancellationToken)
    {
        using var client = ControllerClient.FromConfig(controllerUrl);
        var path = ProfilePath(name);
        var current = await client.GetAsync(path, cancellationToken);
        var list = current.GetProperty("rules").EnumerateArray()
            .Select(r => (object)new { action = r.Text("action"), target = r.Text("target"), protocol = r.Text("protocol"), ports = r.GetProperty("ports").EnumerateArray().Select(p => p.GetString()).ToList() })
            .ToList();
        edit(list);
        Print(await client.SendIfMatchAsync(HttpMethod.Put, path, new { basePolicy = current.Text("basePolicy"), rules = list }, cancellationToken), json);
    }

    private static List<object> ParseRules(IEnumerable<string> texts) =>
        texts.Select((text, i) =>
        {
            if (!AccessRule.TryParse(text, out var rule, out var error))
            {
                throw new ApiException($"--rule {i + 1}: {error}");
            }
            return (object)new
            {
                action = rule.Action.ToText(),
                target = rule.Target.ToString(),
                protocol = rule.Protocol.ToText(),
                ports = rule.Ports.Select(p => p.ToString()).ToList(),
            };
        }).ToList();

    private static void RequireNumber(int value, int max, string what)
    {
        if (value < 1 || value > max)
        {
            throw new ApiException($"{what} {value} is not a rule number here (1 to {max})");
        }
    }

    private static void Print(JsonElement profile, bool json)
    {
        if (json)
        {
            CommonOptions.WriteJson(profile);
            return;
        }
        Console.WriteLine($"profile {profile.Text("name")}: base policy {profile.Text("basePolicy")}");
        var number = 1;
        foreach (var rule in profile.GetProperty("rules").EnumerateArray())
        {
            Console.WriteLine($"  {number++.ToString(CultureInfo.InvariantCulture),3}. {rule.Text("text")}");
        }
    }

    private static string ProfilePath(string name) => "/api/v1/profiles/" + Uri.EscapeDataString(name);
}
