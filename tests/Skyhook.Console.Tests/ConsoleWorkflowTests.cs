using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Skyhook.Console.Tests;

/// <summary>The seed's workflow in the console: users, profiles with ordered rules and the access check, gateway groups and gateways.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleWorkflowTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task Users_CreateSearchAndDisable_WithTheErrorBesideTheField()
    {
        var page = await AdminPageAsync();
        await AdminPages.CreateProfileAsync(page, Fixture.Url, "users-test", "deny-all");

        // A VPN user needs a profile: refused, the message beside the profile field, nothing made.
        await AdminPages.CreateUserAsync(page, Fixture.Url, "dana", "dana's long password", profile: null);
        await Expect(page.Locator(".field-error[data-field=profile]")).ToContainTextAsync("every VPN user has an access profile");
        await Expect(page.Locator("#users tr[data-user=dana]")).ToHaveCountAsync(0);

        await AdminPages.CreateUserAsync(page, Fixture.Url, "dana", "dana's long password", "users-test");
        await Expect(page).ToHaveURLAsync(Fixture.Url + "/console/users/dana");
        await Expect(page.Locator(".notice")).ToContainTextAsync("User dana added");

        await page.GotoAsync(Fixture.Url + "/console/users?q=DAN");
        await Expect(page.Locator("#users tr[data-user=dana]")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#users tr[data-user={ConsoleFixture.AdminName}]")).ToHaveCountAsync(0);
        await HeadlessChromium.ScreenshotAsync(page, "users");

        await page.GetByRole(AriaRole.Link, new() { Name = "dana" }).ClickAsync();
        await page.Locator("#disable").ClickAsync();
        await Expect(page.Locator("#status-disabled")).ToBeVisibleAsync();
        await Expect(page.Locator(".notice")).ToContainTextAsync("Disabled");
        await page.GotoAsync(Fixture.Url + "/console/audit?action=user.disable");
        await Expect(page.Locator("table.audit tbody tr").First).ToContainTextAsync("user dana");
    }

    [Fact]
    public async Task Profiles_TwoRulesReordered_TheAccessCheckFollowsTheOrder()
    {
        var page = await AdminPageAsync();
        await AdminPages.CreateProfileAsync(page, Fixture.Url, "web-only", "deny-all");
        await AdminPages.AddRuleAsync(page, "deny", "cidr 10.0.0.12/32", "all", "");
        await AdminPages.AddRuleAsync(page, "allow", "cidr 10.0.0.0/16", "tcp", "80, 8000:8100");
        Assert.Equal(["deny cidr 10.0.0.12/32 all", "allow cidr 10.0.0.0/16 tcp 80,8000:8100"], await AdminPages.RulesAsync(page));
        await AdminPages.CreateUserAsync(page, Fixture.Url, "erin", "erin's long password", "web-only");
        await page.GotoAsync(Fixture.Url + "/console/profiles/web-only");

        var before = await CheckAsync(page, "erin", "10.0.0.12", "tcp", "80");
        await page.GetByRole(AriaRole.Button, new() { Name = "Move rule 2 up" }).ClickAsync();
        await Expect(page.Locator(".notice")).ToContainTextAsync("Rule moved");
        var after = await CheckAsync(page, "erin", "10.0.0.12", "tcp", "80");

        Assert.Equal(["allow cidr 10.0.0.0/16 tcp 80,8000:8100", "deny cidr 10.0.0.12/32 all"], await AdminPages.RulesAsync(page));
        Assert.Equal(("Refused", "Rule 1: deny cidr 10.0.0.12/32 all"), before);
        Assert.Equal(("Allowed", "Rule 1: allow cidr 10.0.0.0/16 tcp 80,8000:8100"), after);
        await HeadlessChromium.ScreenshotAsync(page, "profile-rules-and-access-check");
    }

    [Fact]
    public async Task Profiles_BadRule_RefusedBesideItsFieldAndTheRulesUnchanged()
    {
        var page = await AdminPageAsync();
        await AdminPages.CreateProfileAsync(page, Fixture.Url, "bad-rules", "allow-all");

        await AdminPages.AddRuleAsync(page, "allow", "container web1", "icmp", "80");

        await Expect(page.Locator(".field-error[data-field=ports]")).ToContainTextAsync("Ports apply only to tcp and udp");
        await Expect(page.Locator("#add-rule input[name=target]")).ToHaveValueAsync("container web1");
        Assert.Empty(await AdminPages.RulesAsync(page));
    }

    [Fact]
    public async Task Groups_AddGroupAndGateway_JoinCommandShownOnceAndItEnrolsARealGateway()
    {
        var page = await AdminPageAsync();
        await AdminPages.CreateGroupAsync(page, Fixture.Url, "edge");

        // Container access: the overlay row, saved with the rest of the settings.
        var overlay = page.Locator("#overlays tr[data-overlay='0']");
        await overlay.GetByLabel("Overlay network name").FillAsync("multi-host-overlay");
        await overlay.GetByLabel("Subnet").FillAsync("10.0.0.0/16");
        await page.GetByLabel("Search domains").FillAsync("apps.internal");
        var hide = page.GetByLabel("Hide unreachable names");
        await Expect(hide).ToBeCheckedAsync();
        await hide.UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save group settings" }).ClickAsync();
        await Expect(page.Locator(".notice")).ToContainTextAsync("Group settings saved");
        await Expect(page.Locator("#overlays tr[data-overlay='0'] input[name='overlays[0].subnet']")).ToHaveValueAsync("10.0.0.0/16");
        await Expect(page.GetByLabel("Hide unreachable names")).Not.ToBeCheckedAsync();

        var join = await AdminPages.AddGatewayAsync(page, "edge-gw1", "198.51.100.21");
        await HeadlessChromium.ScreenshotAsync(page, "gateway-group-join-command");
        Assert.Matches(@"^skyhook-gateway join http://127\.0\.0\.1:\d+ \S+ --fingerprint sha256:[0-9a-f]{64}$", join);
        var token = join.Split(' ')[3];
        await page.ReloadAsync();
        Assert.DoesNotContain(token, await page.ContentAsync());

        await AdminPages.EnrolAsync(join);
        await page.ReloadAsync();
        await Expect(page.Locator("#gateways tr[data-gateway=edge-gw1] .badge")).Not.ToHaveTextAsync("pending");
        Assert.DoesNotContain(token, Fixture.Log);
    }

    private async Task<IPage> AdminPageAsync() => await NewPageAsync((await Fixture.AdminAsync()).StorageState);

    private static async Task<(string Verdict, string Rule)> CheckAsync(IPage page, string user, string destination, string protocol, string port)
    {
        var form = page.Locator("#access-check form");
        await form.GetByLabel("User").SelectOptionAsync(user);
        await form.GetByLabel("Destination", new() { Exact = true }).FillAsync(destination);
        await form.GetByLabel("Protocol").SelectOptionAsync(protocol);
        await form.GetByLabel("Port").FillAsync(port);
        await form.GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        await Expect(page.Locator("#verdict")).ToBeVisibleAsync();
        return ((await page.Locator("#verdict .verdict").InnerTextAsync()).Split(' ')[0].Trim(), (await page.Locator("#deciding-rule").InnerTextAsync()).Trim());
    }
}
