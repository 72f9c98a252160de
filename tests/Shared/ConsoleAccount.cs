using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Skyhook.Tests.Shared;

/// <summary>
/// A person who signs in through the pages: name, password, their authenticator's codes, and the
/// browser state (cookies) of their last sign-in, so that tests can open pages as them.
/// </summary>
public sealed class ConsoleAccount(string name, string password, OneTimeCodes codes)
{
    public string Name { get; } = name;

    public string Password { get; } = password;

    public OneTimeCodes Codes { get; } = codes;

    /// <summary>The cookies of the last sign-in through <see cref="SignInAsync"/>.</summary>
    public string? StorageState { get; private set; }

    /// <summary>
    /// First-run setup through the pages: the setup token, the admin's details, the secret read
    /// from beside the QR code, a code computed from it. Ends signed in on the dashboard.
    /// </summary>
    public static async Task<(ConsoleAccount Admin, string SecretPageSource)> SetUpAsync(IPage page, string url, string setupToken, string name, string password)
    {
        await page.GotoAsync(url + "/");
        await Expect(page).ToHaveURLAsync(url + "/setup");
        await page.GetByLabel("Setup token").FillAsync(setupToken);
        await page.GetByLabel("Admin user name").FillAsync(name);
        await page.GetByLabel("E-mail").FillAsync(name + "@example.com");
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create admin" }).ClickAsync();

        var secret = await ReadSecretAsync(page);
        var source = await page.ContentAsync();
        var admin = new ConsoleAccount(name, password, new OneTimeCodes(secret));
        await page.GetByLabel("Code from the app").FillAsync(await admin.Codes.NextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm and sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(url + "/console");
        admin.StorageState = await page.Context.StorageStateAsync();
        return (admin, source);
    }

    /// <summary>The secret shown beside an enrolment's QR code (which must be there too).</summary>
    public static async Task<string> ReadSecretAsync(IPage page)
    {
        await Expect(page.Locator(".qr svg")).ToBeVisibleAsync();
        var secret = (await page.Locator("#totp-secret").InnerTextAsync()).Trim();
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        return secret;
    }

    /// <summary>
    /// A user's first sign-in: password only, then the enrolment page's secret (read from beside
    /// its QR code) is confirmed with a code; ends signed in on the portal.
    /// </summary>
    public static async Task<ConsoleAccount> FirstSignInAsync(IPage page, string url, string name, string password, string? screenshot = null)
    {
        await page.GotoAsync(url + "/portal");
        await page.GetByLabel("User name").FillAsync(name);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(url + "/enrol?returnUrl=%2Fportal");
        var account = new ConsoleAccount(name, password, new OneTimeCodes(await ReadSecretAsync(page)));
        if (screenshot is not null)
        {
            await HeadlessChromium.ScreenshotAsync(page, screenshot);
        }

        await page.GetByLabel("Code from the app").FillAsync(await account.Codes.NextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(url + "/portal");
        account.StorageState = await page.Context.StorageStateAsync();
        return account;
    }

    /// <summary>Signs in on the sign-in page the browser shows now (or opens it), with the next code.</summary>
    public async Task SignInAsync(IPage page, string url)
    {
        if (!page.Url.StartsWith(url + "/signin", StringComparison.Ordinal))
        {
            await page.GotoAsync(url + "/signin");
        }

        await page.GetByLabel("User name").FillAsync(Name);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByLabel("One-time code").FillAsync(await Codes.NextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        StorageState = await page.Context.StorageStateAsync();
    }
}
