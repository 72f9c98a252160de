using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Skyhook.Console.Tests;

/// <summary>What the console refuses: pages without a session, forms without their token, users on admin pages, cookies on the API.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SecurityTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    public static TheoryData<string> Pages =>
    [
        "/console", "/console/users", "/console/users/admin", "/console/profiles", "/console/profiles/any", "/console/groups",
        "/console/groups/any", "/console/sessions", "/console/audit", "/portal", "/enrol",
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_WithoutASession_RedirectsToSignIn(string path)
    {
        var page = await NewPageAsync();

        var response = await page.APIRequest.GetAsync(Fixture.Url + path, new() { MaxRedirects = 0 });

        Assert.Equal(302, response.Status);
        Assert.Equal("/signin?returnUrl=" + Uri.EscapeDataString(path), new Uri(new Uri(Fixture.Url), response.Headers["location"]).PathAndQuery);
    }

    [Fact]
    public async Task Form_PostedWithoutItsAntiForgeryToken_RefusedAndNothingMade()
    {
        var page = await NewPageAsync((await Fixture.AdminAsync()).StorageState);
        await page.GotoAsync(Fixture.Url + "/console/profiles");
        await page.Locator("#create-profile input[name=__skyhook_antiforgery]").EvaluateAsync("input => input.remove()");
        await page.Locator("#create-profile").GetByLabel("Name").FillAsync("forged");

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Add profile" }).ClickAsync(),
            r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        await page.GotoAsync(Fixture.Url + "/console/profiles");
        await Expect(page.Locator("#profiles")).Not.ToContainTextAsync("forged");
    }

    [Fact]
    public async Task VpnUser_OnAnAdminPage_IsRefused_AndTheCookieDoesNotOpenTheApi()
    {
        var user = await Fixture.VpnUserAsync();
        var page = await NewPageAsync(user.StorageState);

        var response = await page.GotoAsync(Fixture.Url + "/console/users");

        Assert.Equal(403, response?.Status);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/denied"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        await Expect(page.Locator("header nav")).Not.ToContainTextAsync("Users");
        // The API takes API tokens only: the browser's cookie is no credential there.
        var api = await page.APIRequest.GetAsync(Fixture.Url + "/api/v1/users");
        Assert.Equal(401, api.Status);
    }

    [Fact]
    public async Task DisabledUser_AlreadySignedIn_IsSignedOutAtTheNextPage()
    {
        await Fixture.GroupWithGatewayAsync();
        var admin = await NewPageAsync((await Fixture.AdminAsync()).StorageState);
        await AdminPages.CreateUserAsync(admin, Fixture.Url, "gina", "gina's long password", ConsoleFixture.ProfileName);
        var page = await NewPageAsync();
        await ConsoleAccount.FirstSignInAsync(page, Fixture.Url, "gina", "gina's long password");

        await admin.GotoAsync(Fixture.Url + "/console/users/gina");
        await admin.Locator("#disable").ClickAsync();
        await Expect(admin.Locator("#status-disabled")).ToBeVisibleAsync();
        await page.ReloadAsync();

        await Expect(page).ToHaveURLAsync(Fixture.Url + "/signin?returnUrl=%2Fportal");
    }

    [Fact]
    public async Task AdminCookie_DoesNotOpenTheApiEither()
    {
        var page = await NewPageAsync((await Fixture.AdminAsync()).StorageState);
        await page.GotoAsync(Fixture.Url + "/console");

        var api = await page.APIRequest.GetAsync(Fixture.Url + "/api/v1/users");

        Assert.Equal(401, api.Status);
    }

    [Fact]
    public async Task Pages_CarryAStrictContentSecurityPolicy_AndAreNotCached()
    {
        var page = await NewPageAsync();

        var response = await page.GotoAsync(Fixture.Url + "/signin");

        var headers = response!.Headers;
        Assert.Contains("script-src 'self'", headers["content-security-policy"]);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"]);
        Assert.Contains("no-store", headers["cache-control"]);
    }
}
