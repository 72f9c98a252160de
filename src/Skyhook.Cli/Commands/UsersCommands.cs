using System.CommandLine;
using System.Text.Json;
using Skyhook.Cli.Api;
using Skyhook.Cli.Output;

namespace Skyhook.Cli.Commands;

/// <summary>`skyhook users ...`: list, show, create, set a profile, disable, enable, delete.</summary>
public static class UsersCommands
{
    public static Command Create()
    {
        var users = new Command("users", "VPN users and admins.");
        var controller = CommonOptions.Controller();
        var json = CommonOptions.Json();

        var list = new Command("list", "List users.") { controller, json };
        list.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var all = await client.GetAsync("/api/v1/users", cancellationToken);
            if (result.GetValue(json))
            {
                CommonOptions.WriteJson(all);
                return;
            }
            var table = new Table("NAME", "EMAIL", "PROFILE", "ENABLED", "MFA", "ADMIN");
            foreach (var user in all.EnumerateArray())
            {
                table.Add(user.Text("name"), user.Text("email"), user.Text("profile"), YesNo(user, "enabled"), YesNo(user, "mfaEnrolled"), YesNo(user, "admin"));
            }
            Console.Write(table);
        }));
        users.Subcommands.Add(list);

        var name = new Argument<string>("name") { Description = "The user's name." };
        var show = new Command("show", "Show one user.") { name, controller, json };
        show.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            CommonOptions.WriteJson(await client.GetAsync(UserPath(result.GetValue(name)!), cancellationToken));
        }));
        users.Subcommands.Add(show);

        var email = new Option<string>("--email") { Description = "E-mail address.", Required = true };
        var profile = new Option<string?>("--profile") { Description = "The access profile that judges this user's traffic." };
        var admin = new Option<bool>("--admin") { Description = "May sign in to the API and console." };
        var passwordStdin = CommonOptions.PasswordStdin();
        var create = new Command("create", "Create a user.") { name, email, profile, admin, passwordStdin, controller, json };
        create.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var created = await client.PostAsync(
                "/api/v1/users",
                new
                {
                    name = result.GetValue(name),
                    email = result.GetValue(email),
                    profile = result.GetValue(profile),
                    admin = result.GetValue(admin),
                    password = result.GetValue(passwordStdin) ? CommonOptions.ReadPassword(true) : null,
                },
                cancellationToken);
            Print(created, result.GetValue(json), $"created user {created.Text("name")}");
        }));
        users.Subcommands.Add(create);

        var newProfile = new Option<string>("--profile") { Description = "The access profile.", Required = true };
        var setProfile = new Command("set-profile", "Move a user to another access profile.") { name, newProfile, controller, json };
        setProfile.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            var path = UserPath(result.GetValue(name)!);
            var current = await client.GetAsync(path, cancellationToken);
            var updated = await client.SendIfMatchAsync(
                HttpMethod.Put, path, new { email = current.Text("email"), profile = result.GetValue(newProfile) }, cancellationToken);
            Print(updated, result.GetValue(json), $"user {updated.Text("name")} now has profile {updated.Text("profile")}");
        }));
        users.Subcommands.Add(setProfile);

        foreach (var (verb, description) in new[] { ("disable", "Disable a user (ends their VPN sessions)."), ("enable", "Enable a user again.") })
        {
            var command = new Command(verb, description) { name, controller, json };
            command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
            {
                using var client = ControllerClient.FromConfig(result.GetValue(controller));
                var user = await client.PostAsync(UserPath(result.GetValue(name)!) + "/" + verb, new { }, cancellationToken);
                Print(user, result.GetValue(json), $"user {result.GetValue(name)} is {verb}d");
            }));
            users.Subcommands.Add(command);
        }

        var delete = new Command("delete", "Delete a user.") { name, controller };
        delete.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = ControllerClient.FromConfig(result.GetValue(controller));
            await client.SendIfMatchAsync(HttpMethod.Delete, UserPath(result.GetValue(name)!), body: null, cancellationToken);
            Console.WriteLine($"deleted user {result.GetValue(name)}");
        }));
        users.Subcommands.Add(delete);
        return users;
    }

    private static string UserPath(string name) => "/api/v1/users/" + Uri.EscapeDataString(name);

    private static string YesNo(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True ? "yes" : "no";

    private static void Print(JsonElement value, bool json, string summary)
    {
        if (json)
        {
            CommonOptions.WriteJson(value);
        }
        else
        {
            Console.WriteLine(summary);
        }
    }
}
