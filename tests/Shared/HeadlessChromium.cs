using Microsoft.Playwright;

namespace Skyhook.Tests.Shared;

/// <summary>
/// The one way the browser tests start Chromium and open pages: Debian's chromium (never a
/// downloaded one), headless, a laptop viewport. Compiled into every test project that drives a
/// browser, so that they all see the console alike.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>Debian's chromium: Playwright drives it instead of a browser it would download.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>How long an action, navigation or expectation may take before the test fails.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>A laptop screen, the smallest the console is designed for.</summary>
    public static readonly ViewportSize Viewport = new() { Width = 1366, Height = 768 };

    // No sandbox: the tests run as root, where Chromium refuses its sandbox. The rest keep the browser
    // from calling Google's services (updates, sync, field trials) from the test machine.
    private static readonly string[] Arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <summary>Where <see cref="ScreenshotAsync"/> saves: <c>SKYHOOK_SCREENSHOTS</c>, or <c>screenshots/</c> beside the test assembly.</summary>
    public static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable("SKYHOOK_SCREENSHOTS") is { Length: > 0 } directory
            ? directory
            : Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Null when Chromium can run here; otherwise why not (for each project's Requirements).</summary>
    public static string? WhyMissing() =>
        File.Exists(ExecutablePath) ? null : $"{ExecutablePath} is missing (apt-get install chromium)";

    /// <summary>Starts the browser; also sets Playwright's process-wide Expect(...) timeout to <see cref="DefaultTimeout"/>.</summary>
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
            Timeout = (float)TimeSpan.FromSeconds(30).TotalMilliseconds,
        });
        // Expect(...) polls on its own clock, set process-wide by Playwright.
        Assertions.SetDefaultExpectTimeout((float)DefaultTimeout.TotalMilliseconds);
        return browser;
    }

    /// <summary>
    /// A page in a new browser context (laptop viewport, en-US, UTC, <see cref="DefaultTimeout"/>):
    /// without cookies, or with a signed-in person's (<see cref="ConsoleAccount.StorageState"/>). It
    /// accepts the console's "are you sure?" dialogs, as the person clicking would.
    /// </summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser, string? storageState = null)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = Viewport,
            Locale = "en-US",
            TimezoneId = "UTC",
            StorageState = storageState,
        });
        context.SetDefaultTimeout((float)DefaultTimeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)DefaultTimeout.TotalMilliseconds);
        var page = await context.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        return page;
    }

    /// <summary>Saves a full-page PNG named <paramref name="name"/> in <see cref="ScreenshotDirectory"/>; returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        Directory.CreateDirectory(ScreenshotDirectory);
        var invalid = Path.GetInvalidFileNameChars();
        var fileName = string.Concat(name.Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) ? '_' : c)) + ".png";
        var path = Path.Combine(ScreenshotDirectory, fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
