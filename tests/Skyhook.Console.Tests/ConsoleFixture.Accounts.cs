using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Skyhook.Console.Tests;

/// <summary>
/// The people and the configuration the tests share, each made once per run through the pages (as
/// a person would) the first time a test asks: the admin, a VPN user, a profile, a gateway group
/// with a really enrolled gateway.
/// </summary>
public sealed partial class ConsoleFixture
{
    public const string AdminName = "admin";
    public const string ProfileName = "portal-web";
    private const string GroupName = "lab";
    private const string GatewayEndpoint = "198.51.100.11";

    private readonly SemaphoreSlim _shared = new(1, 1);
    private ConsoleAccount? _admin;
    private ConsoleAccount? _vpnUser;
    private GroupWithGateway? _groupWithGateway;

    /// <summary>The first admin, set up through the first-run pages; signed in.</summary>
    public Task<ConsoleAccount> AdminAsync() => OnceAsync(() => _admin, async () =>
    {
        var page = await NewPageAsync();
        try
        {
            return _admin = (await ConsoleAccount.SetUpAsync(page, Url, SetupToken, AdminName, "the admin's long passphrase")).Admin;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    });

    /// <summary>A VPN user (not an admin) with <see cref="ProfileName"/>, enrolled at the first sign-in; signed in.</summary>
    public async Task<ConsoleAccount> VpnUserAsync()
    {
        await GroupWithGatewayAsync();
        var admin = await AdminAsync();
        return await OnceAsync(() => _vpnUser, async () =>
        {
            var page = await NewPageAsync(admin.StorageState);
            try
            {
                await AdminPages.CreateUserAsync(page, Url, "vera", "vera's long password", ProfileName);
                await Expect(page).ToHaveURLAsync(Url + "/console/users/vera");
                await page.Context.ClearCookiesAsync();
                return _vpnUser = await ConsoleAccount.FirstSignInAsync(page, Url, "vera", "vera's long password");
            }
            finally
            {
                await page.Context.CloseAsync();
            }
        });
    }

    /// <summary>
    /// Profile <see cref="ProfileName"/> (deny-all, allow container web1 tcp 80) and gateway group
    /// <c>lab</c> with container access to multi-host-overlay and one gateway enrolled by the real
    /// <c>skyhook-gateway join</c>: a user's .ovpn needs one.
    /// </summary>
    public async Task<(string Group, string Endpoint)> GroupWithGatewayAsync()
    {
        var admin = await AdminAsync();
        var made = await OnceAsync(() => _groupWithGateway, async () =>
        {
            var page = await NewPageAsync(admin.StorageState);
            try
            {
                await AdminPages.CreateProfileAsync(page, Url, ProfileName, "deny-all");
                await AdminPages.AddRuleAsync(page, "allow", "container web1", "tcp", "80");
                await Expect(page.Locator("#rules .rule-text")).ToHaveCountAsync(1);
                await AdminPages.CreateGroupAsync(page, Url, GroupName);
                var overlay = page.Locator("#overlays tr[data-overlay='0']");
                await overlay.GetByLabel("Overlay network name").FillAsync("multi-host-overlay");
                await overlay.GetByLabel("Subnet").FillAsync("10.0.0.0/16");
                await page.GetByRole(AriaRole.Button, new() { Name = "Save group settings" }).ClickAsync();
                await Expect(page.Locator(".notice")).ToContainTextAsync("Group settings saved");
                await AdminPages.EnrolAsync(await AdminPages.AddGatewayAsync(page, GroupName + "-gw1", GatewayEndpoint));
                return _groupWithGateway = new GroupWithGateway(GroupName, GatewayEndpoint);
            }
            finally
            {
                await page.Context.CloseAsync();
            }
        });
        return (made.Group, made.Endpoint);
    }

    private async Task<T> OnceAsync<T>(Func<T?> existing, Func<Task<T>> make)
        where T : class
    {
        await _shared.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return existing() ?? await make();
        }
        finally
        {
            _shared.Release();
        }
    }

    private sealed record GroupWithGateway(string Group, string Endpoint);
}
