using Microsoft.Playwright;
using Skyhook.Lab;
using Skyhook.Linux;
using static Microsoft.Playwright.Assertions;

namespace Skyhook.Console.Tests;

/// <summary>What an admin does in the console, step by step as a person would, for the tests to build on.</summary>
public static class AdminPages
{
    public static async Task CreateProfileAsync(IPage page, string url, string name, string basePolicy)
    {
        await page.GotoAsync(url + "/console/profiles");
        var form = page.Locator("#create-profile");
        await form.GetByLabel("Name").FillAsync(name);
        await form.GetByLabel("Base policy").SelectOptionAsync(basePolicy);
        await form.GetByRole(AriaRole.Button, new() { Name = "Add profile" }).ClickAsync();
        await Expect(page).ToHaveURLAsync($"{url}/console/profiles/{name}");
    }

    /// <summary>Adds a rule at the end of the profile page the browser shows.</summary>
    public static async Task AddRuleAsync(IPage page, string action, string target, string protocol, string ports)
    {
        var form = page.Locator("#add-rule");
        await form.GetByLabel("Action").SelectOptionAsync(action);
        await form.GetByLabel("Target").FillAsync(target);
        await form.GetByLabel("Protocol").SelectOptionAsync(protocol);
        await form.GetByLabel("Ports").FillAsync(ports);
        await form.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
    }

    public static async Task<IReadOnlyList<string>> RulesAsync(IPage page) =>
        (await page.Locator("#rules .rule-text").AllInnerTextsAsync()).Select(r => r.Trim()).ToList();

    public static async Task CreateUserAsync(IPage page, string url, string name, string password, string? profile)
    {
        await page.GotoAsync(url + "/console/users");
        var form = page.Locator("#create-user");
        await form.GetByLabel("User name").FillAsync(name);
        await form.GetByLabel("E-mail").FillAsync(name + "@example.com");
        await form.GetByLabel("Access profile").SelectOptionAsync(profile ?? "");
        await form.GetByLabel("Initial password").FillAsync(password);
        await form.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
    }

    public static async Task CreateGroupAsync(IPage page, string url, string name)
    {
        await page.GotoAsync(url + "/console/groups");
        var form = page.Locator("#create-group");
        await form.GetByLabel("Name").FillAsync(name);
        await form.GetByRole(AriaRole.Button, new() { Name = "Add group" }).ClickAsync();
        await Expect(page).ToHaveURLAsync($"{url}/console/groups/{name}");
    }

    /// <summary>Adds a gateway on the group page the browser shows; answers the join command shown once.</summary>
    public static async Task<string> AddGatewayAsync(IPage page, string name, string publicEndpoint)
    {
        var form = page.Locator("#add-gateway");
        await form.GetByLabel("Name").FillAsync(name);
        await form.GetByLabel("Public address").FillAsync(publicEndpoint);
        await form.GetByRole(AriaRole.Button, new() { Name = "Add gateway" }).ClickAsync();
        await Expect(page.Locator("#join-command")).ToBeVisibleAsync();
        return (await page.Locator("#join-command").InnerTextAsync()).Trim();
    }

    /// <summary>
    /// Runs the join command as an operator would paste it, with the real <c>skyhook-gateway</c>
    /// (its data in a folder of its own, removed afterwards): the gateway enrols with the controller.
    /// </summary>
    public static async Task EnrolAsync(string joinCommand)
    {
        var words = joinCommand.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(words is ["skyhook-gateway", "join", _, _, "--fingerprint", _], "unexpected join command shape: " + words.Length + " words");
        var data = Directory.CreateTempSubdirectory("skyhook-console-gateway-");
        try
        {
            var result = await new ProcessRunner().RunAsync(
                new ProcessSpec("dotnet", [RepositoryBuild.GatewayDll, .. words[1..], "--data-dir", data.FullName])
                {
                    CheckExitCode = false,
                    Secrets = [words[3]],
                    Timeout = TimeSpan.FromMinutes(1),
                },
                TestContext.Current.CancellationToken);
            Assert.True(result.ExitCode == 0, "skyhook-gateway join failed: " + result.StandardError);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
