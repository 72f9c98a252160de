using System.Text.Json;

namespace Skyhook.Cli.Tests;

/// <summary>The `skyhook` command against a running controller: setup, login, profiles, users, access check.</summary>
[Collection("controller")]
public sealed class CliTests(ControllerProcess controller) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("skyhook-cli-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private Task<Cli> AdminAsync() => controller.AdminAsync();

    [Fact]
    public async Task Login_SavesTokenOwnerOnly_AndListsTheAdmin()
    {
        var cli = await AdminAsync();

        var users = await cli.RunAsync("users", "list", "--json");

        Assert.Equal(0, users.ExitCode);
        using var json = JsonDocument.Parse(users.StandardOutput);
        Assert.Contains(json.RootElement.EnumerateArray(), u => u.GetProperty("name").GetString() == "admin" && u.GetProperty("mfaEnrolled").GetBoolean());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigPath));
    }

    [Fact]
    public async Task ProfileUserAndAccessCheck_ReorderedRules_ChangeTheVerdict()
    {
        var cli = await AdminAsync();

        var create = await cli.RunAsync(
            "profiles", "create", "developers", "--base", "deny-all",
            "--rule", "allow container web1 tcp 80", "--rule", "deny cidr 10.0.0.0/16 all");
        Assert.True(create.ExitCode == 0, create.StandardError);
        var user = await cli.RunAsync("users", "create", "alice", "--email", "alice@example.com", "--profile", "developers");
        Assert.True(user.ExitCode == 0, user.StandardError);

        var allowed = await cli.RunAsync("access", "check", "alice", "10.0.0.12", "tcp/80", "--container", "web1");
        var otherPort = await cli.RunAsync("access", "check", "alice", "10.0.0.12", "tcp/8080", "--container", "web1");
        var moved = await cli.RunAsync("profiles", "rules", "move", "developers", "2", "1");
        var afterMove = await cli.RunAsync("access", "check", "alice", "10.0.0.12", "tcp/80", "--container", "web1", "--json");

        Assert.StartsWith("allow 10.0.0.12 (web1) (profile developers)", allowed.StandardOutput);
        Assert.Contains("rule 1 (allow container web1 tcp 80) matched", allowed.StandardOutput);
        Assert.StartsWith("deny", otherPort.StandardOutput);
        Assert.Contains("rule 2 (deny cidr 10.0.0.0/16 all) matched", otherPort.StandardOutput);
        Assert.True(moved.ExitCode == 0, moved.StandardError);
        Assert.Contains("  1. deny cidr 10.0.0.0/16 all", moved.StandardOutput);
        using var verdict = JsonDocument.Parse(afterMove.StandardOutput);
        Assert.Equal("deny", verdict.RootElement.GetProperty("verdict").GetString());
        Assert.Equal(1, verdict.RootElement.GetProperty("ruleNumber").GetInt32());
    }

    [Fact]
    public async Task Disable_User_ShowsDisabled()
    {
        var cli = await AdminAsync();
        Assert.Equal(0, (await cli.RunAsync("users", "create", "carol", "--email", "carol@example.com", "--admin")).ExitCode);

        var disable = await cli.RunAsync("users", "disable", "carol");
        var show = await cli.RunAsync("users", "show", "carol");

        Assert.True(disable.ExitCode == 0, disable.StandardError);
        using var json = JsonDocument.Parse(show.StandardOutput);
        Assert.False(json.RootElement.GetProperty("enabled").GetBoolean());
    }

    [Theory]
    [InlineData(new[] { "profiles", "create", "bad", "--rule", "allow container web1 tcp 70000" }, "--rule 1:", "70000")]
    [InlineData(new[] { "profiles", "rules", "delete", "nosuchprofile", "1" }, "nosuchprofile", "does not exist")]
    [InlineData(new[] { "users", "create", "bad name", "--email", "x@example.com" }, "name:", "a space")]
    [InlineData(new[] { "users", "create", "dave", "--email", "dave@example.com", "--profile", "nosuch" }, "profile", "nosuch")]
    [InlineData(new[] { "access", "check", "alice", "10.0.0.12", "tcp/0" }, "tcp/0", "PORT 1-65535")]
    public async Task BadInput_OneClearMessage_ExitOne(string[] arguments, string names, string says)
    {
        var cli = await AdminAsync();

        var result = await cli.RunAsync(arguments);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("skyhook: ", result.StandardError);
        Assert.Contains(names, result.StandardError);
        Assert.Contains(says, result.StandardError);
    }

    [Fact]
    public async Task NotLoggedIn_SaysHowToLogIn()
    {
        var cli = new Cli(Path.Combine(_scratch, "none.json"));

        var result = await cli.RunAsync("users", "list", "--controller", controller.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not logged in: run `skyhook login`", result.StandardError);
    }

    [Fact]
    public async Task ControllerLog_AfterTheseCommands_HoldsNoPasswordSecretOrToken()
    {
        var cli = await AdminAsync();
        await cli.RunAsync("users", "list");
        using var config = JsonDocument.Parse(File.ReadAllText(cli.ConfigPath));
        var token = config.RootElement.GetProperty("Token").GetString()!;

        var log = controller.Log;

        Assert.DoesNotContain(ControllerProcess.AdminPassword, log);
        Assert.DoesNotContain(controller.TotpSecret!, log);
        Assert.DoesNotContain(token, log);
    }
}
