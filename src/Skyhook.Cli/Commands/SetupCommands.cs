using System.CommandLine;
using Skyhook.Cli.Api;

namespace Skyhook.Cli.Commands;

/// <summary>`skyhook setup` (first admin, with the setup token from the controller's log) and `skyhook login`.</summary>
public static class SetupCommands
{
    public static Command Setup()
    {
        var controller = new Option<string>("--controller") { Description = "The controller's URL.", Required = true };
        var token = new Option<string>("--setup-token") { Description = "The one-time setup token the controller wrote to its log.", Required = true };
        var name = new Option<string>("--name") { Description = "The first admin's user name.", Required = true };
        var email = new Option<string>("--email") { Description = "The first admin's e-mail address.", Required = true };
        var passwordStdin = CommonOptions.PasswordStdin();
        var setup = new Command("setup", "Create the first admin on a new controller; prints the TOTP secret to enrol, once.")
        {
            controller, token, name, email, passwordStdin,
        };
        setup.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = new ControllerClient(result.GetValue(controller)!, token: null);
            var enrolment = await client.PostAsync(
                "/api/v1/setup",
                new
                {
                    setupToken = result.GetValue(token),
                    name = result.GetValue(name),
                    email = result.GetValue(email),
                    password = CommonOptions.ReadPassword(result.GetValue(passwordStdin)),
                },
                cancellationToken);
            Console.WriteLine("Add this account to your authenticator app (shown once):");
            Console.WriteLine("  secret: " + enrolment.Text("secret"));
            Console.WriteLine("  uri:    " + enrolment.Text("otpAuthUri"));
            Console.WriteLine($"Then confirm: skyhook setup confirm --controller {result.GetValue(controller)} --name {result.GetValue(name)} --code CODE");
        }));

        var confirmName = new Option<string>("--name") { Description = "The admin's user name.", Required = true };
        var code = new Option<string>("--code") { Description = "The current code from the authenticator.", Required = true };
        var confirmController = new Option<string>("--controller") { Description = "The controller's URL.", Required = true };
        var confirm = new Command("confirm", "Finish setup with a code from the authenticator.") { confirmController, confirmName, code };
        confirm.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = new ControllerClient(result.GetValue(confirmController)!, token: null);
            await client.PostAsync("/api/v1/setup/confirm", new { name = result.GetValue(confirmName), code = result.GetValue(code) }, cancellationToken);
            Console.WriteLine($"Setup is complete. Sign in: skyhook login --controller {result.GetValue(confirmController)} --name {result.GetValue(confirmName)} --code CODE");
        }));
        setup.Subcommands.Add(confirm);
        return setup;
    }

    public static Command Login()
    {
        var controller = new Option<string>("--controller") { Description = "The controller's URL.", Required = true };
        var name = new Option<string>("--name") { Description = "Your admin user name.", Required = true };
        var code = new Option<string>("--code") { Description = "The current code from your authenticator.", Required = true };
        var tokenName = new Option<string>("--token-name") { Description = "A label for the API token (e.g. this machine's name).", DefaultValueFactory = _ => "cli" };
        var passwordStdin = CommonOptions.PasswordStdin();
        var login = new Command("login", "Sign in with password and code; saves an API token for the other commands.")
        {
            controller, name, code, tokenName, passwordStdin,
        };
        login.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var url = result.GetValue(controller)!;
            using var client = new ControllerClient(url, token: null);
            var response = await client.PostAsync(
                "/api/v1/auth/login",
                new
                {
                    name = result.GetValue(name),
                    password = CommonOptions.ReadPassword(result.GetValue(passwordStdin)),
                    code = result.GetValue(code),
                    tokenName = result.GetValue(tokenName),
                },
                cancellationToken);
            new CliConfig(url, response.Text("token")).Save();
            Console.WriteLine($"Signed in to {url} as {result.GetValue(name)}; the API token is saved in {CliConfig.Path}.");
        }));
        return login;
    }
}
