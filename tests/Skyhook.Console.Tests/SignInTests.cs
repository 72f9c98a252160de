using System.Net;
using Microsoft.Playwright;
using Skyhook.Lab.Controller;
using static Microsoft.Playwright.Assertions;

namespace Skyhook.Console.Tests;

/// <summary>First-run setup, sign-in with a computed code, sign-out, and what a wrong sign-in is told.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SignInTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task Setup_ThroughThePages_EnrolsTheAdminOnceAndClosesSetup()
    {
        Requirements.RequireChromium();
        // A controller of its own: setup happens once per controller.
        await using var controller = await LabController.StartAsync(IPAddress.Loopback, environment: null, TestContext.Current.CancellationToken);
        var token = await controller.SetupToken.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var page = await NewPageAsync();
        const string password = "first admin's long passphrase";

        var (admin, enrolmentSource) = await ConsoleAccount.SetUpAsync(page, controller.Url, token, "ops", password);

        Assert.Contains(admin.Codes.Secret, enrolmentSource);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(page.Locator(".notice")).ToContainTextAsync("Setup is complete");
        Assert.DoesNotContain(admin.Codes.Secret, await page.ContentAsync());
        // Setup is closed: someone else with the old token gets the sign-in page.
        var stranger = await NewPageAsync();
        await stranger.GotoAsync(controller.Url + "/setup");
        await Expect(stranger).ToHaveURLAsync(controller.Url + "/signin");
        Assert.DoesNotContain(admin.Codes.Secret, controller.Log);
        Assert.DoesNotContain(password, controller.Log);
    }

    [Fact]
    public async Task SignIn_WithAComputedCode_ReturnsToTheAskedPage_AndSignOutEndsIt()
    {
        var admin = await Fixture.AdminAsync();
        var page = await NewPageAsync();

        await page.GotoAsync(Fixture.Url + "/console/users");
        await Expect(page).ToHaveURLAsync(Fixture.Url + "/signin?returnUrl=%2Fconsole%2Fusers");
        await HeadlessChromium.ScreenshotAsync(page, "signin");
        await admin.SignInAsync(page, Fixture.Url);

        await Expect(page).ToHaveURLAsync(Fixture.Url + "/console/users");
        await Expect(page.Locator("header .who")).ToHaveTextAsync(admin.Name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Fixture.Url + "/signin");
        await page.GotoAsync(Fixture.Url + "/console");
        await Expect(page).ToHaveURLAsync(Fixture.Url + "/signin?returnUrl=%2Fconsole");
    }

    [Fact]
    public async Task SignIn_WrongCode_RefusedWithoutSayingWhichPartWasWrong()
    {
        var admin = await Fixture.AdminAsync();
        var page = await NewPageAsync();
        await page.GotoAsync(Fixture.Url + "/signin");
        await page.GetByLabel("User name").FillAsync(admin.Name);
        await page.GetByLabel("Password").FillAsync(admin.Password);
        await page.GetByLabel("One-time code").FillAsync("000000");

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            r => r.Request.Method == "POST");

        Assert.Equal(401, response.Status);
        await Expect(page.Locator(".form-error")).ToHaveTextAsync("Wrong user name, password or one-time code.");
        await Expect(page).ToHaveURLAsync(Fixture.Url + "/signin");
    }

    [Fact]
    public async Task SignIn_ReturnUrlToAnotherSite_LandsHomeInstead()
    {
        var admin = await Fixture.AdminAsync();
        var page = await NewPageAsync();
        await page.GotoAsync(Fixture.Url + "/signin?returnUrl=" + Uri.EscapeDataString("//127.0.0.2:9/elsewhere"));

        await admin.SignInAsync(page, Fixture.Url);

        await Expect(page).ToHaveURLAsync(Fixture.Url + "/console");
    }
}
