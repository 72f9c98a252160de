using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using Skyhook.Lab;
using Skyhook.Lab.Controller;

namespace Skyhook.Console.Tests;

/// <summary>
/// One real controller process and one headless Chromium (Debian's, never a downloaded one) for the
/// whole "console" collection. Every <see cref="NewPageAsync"/> is a fresh browser context: its own
/// cookies, as a different person at a different laptop.
/// </summary>
public sealed partial class ConsoleFixture : IAsyncLifetime
{
    /// <summary>How long an action, navigation or expectation may take before the test fails.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>A laptop screen, the smallest the console is designed for.</summary>
    public static readonly ViewportSize Viewport = new() { Width = 1366, Height = 768 };

    // No sandbox: the tests run as root, where Chromium refuses its sandbox. The rest keep the browser
    // from calling Google's services (updates, sync, field trials) from the test machine.
    private static readonly string[] ChromiumArguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private LabController? _controller;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private int _disposed;

    /// <summary>The controller's base address, e.g. <c>http://127.0.0.1:PORT</c> (plain HTTP, loopback).</summary>
    public string Url => Started(_controller).Url;

    /// <summary>The one-time setup token the controller logged at start (no admin exists until a test sets one up).</summary>
    public string SetupToken { get; private set; } = "";

    /// <summary>Everything the controller process has printed so far.</summary>
    public string Log => Started(_controller).Log;

    /// <summary>Where <see cref="ScreenshotAsync"/> saves: <c>SKYHOOK_SCREENSHOTS</c>, or <c>screenshots/</c> beside the test assembly.</summary>
    public static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable("SKYHOOK_SCREENSHOTS") is { Length: > 0 } directory
            ? directory
            : Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>
    /// A page in a new browser context (laptop viewport, <see cref="DefaultTimeout"/>): without
    /// cookies, or with a signed-in person's (<see cref="ConsoleAccount.StorageState"/>). It accepts
    /// the console's "are you sure?" dialogs, as the person clicking would.
    /// </summary>
    public async Task<IPage> NewPageAsync(string? storageState = null)
    {
        var context = await Started(_browser).NewContextAsync(new BrowserNewContextOptions
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
        Directory.CreateDirectory(ScreenshotDirectory);
        var invalid = Path.GetInvalidFileNameChars();
        var fileName = string.Concat(name.Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) ? '_' : c)) + ".png";
        var path = Path.Combine(ScreenshotDirectory, fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask InitializeAsync()
    {
        if (Requirements.WhyNoChromium() is not null)
        {
            // Each test skips, or fails under CI, when it asks for the controller or a page.
            return;
        }
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            if (!File.Exists(RepositoryBuild.ControllerDll))
            {
                throw new InvalidOperationException($"{RepositoryBuild.ControllerDll} is missing: run `{RepositoryBuild.BuildCommand}` first");
            }
            _controller = await LabController.StartAsync(IPAddress.Loopback, environment: null, cancellationToken);
            SetupToken = await _controller.SetupToken.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Requirements.Chromium,
                Headless = true,
                Args = ChromiumArguments,
                Timeout = (float)TimeSpan.FromSeconds(30).TotalMilliseconds,
            });
            // Expect(...) polls on its own clock, set process-wide by Playwright.
            Assertions.SetDefaultExpectTimeout((float)DefaultTimeout.TotalMilliseconds);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the browser (and every context still open), the driver, and stops the controller; safe to call again.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            if (_browser is not null)
            {
                await _browser.CloseAsync();
            }
        }
        finally
        {
            _playwright?.Dispose();
            if (_controller is not null)
            {
                await _controller.DisposeAsync();
            }
        }
    }

    private static T Started<T>(T? part)
        where T : class
    {
        Requirements.RequireChromium();
        return part ?? throw new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"the console fixture did not start its {typeof(T).Name}"));
    }
}
