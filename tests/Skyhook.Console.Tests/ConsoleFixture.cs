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

    /// <summary>A page in a new browser context, see <see cref="HeadlessChromium.NewPageAsync"/>.</summary>
    public Task<IPage> NewPageAsync(string? storageState = null) => HeadlessChromium.NewPageAsync(Started(_browser), storageState);

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
            _browser = await HeadlessChromium.LaunchAsync(_playwright);
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
            _eventsGateway?.Dispose();
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
