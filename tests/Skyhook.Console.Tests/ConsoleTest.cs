using Microsoft.Playwright;

namespace Skyhook.Console.Tests;

/// <summary>
/// Base of the browser tests. Pages opened through <see cref="NewPageAsync"/> are closed after the
/// test, whatever its outcome; when it failed, each is first saved as a screenshot and the end of the
/// controller's log goes to the test's output.
/// </summary>
public abstract class ConsoleTest(ConsoleFixture fixture) : IAsyncDisposable
{
    private const int LogLinesOnFailure = 60;

    private readonly List<IPage> _pages = [];

    protected ConsoleFixture Fixture { get; } = fixture;

    /// <summary>A page in a fresh browser context (see <see cref="ConsoleFixture.NewPageAsync"/>), closed after the test.</summary>
    protected async Task<IPage> NewPageAsync(string? storageState = null)
    {
        var page = await Fixture.NewPageAsync(storageState);
        _pages.Add(page);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        // Known only once the test method has returned, which is when the test class is disposed.
        var failed = TestContext.Current.TestState?.Result == TestResult.Failed;
        var output = TestContext.Current.TestOutputHelper;
        for (var i = 0; i < _pages.Count; i++)
        {
            var page = _pages[i];
            try
            {
                if (failed && !page.IsClosed)
                {
                    var name = $"{TestContext.Current.Test?.TestDisplayName ?? GetType().Name}-{i + 1}";
                    output?.WriteLine($"screenshot of page {i + 1} ({page.Url}): {await HeadlessChromium.ScreenshotAsync(page, name)}");
                }
            }
            catch (PlaywrightException ex)
            {
                output?.WriteLine($"no screenshot of page {i + 1}: {ex.Message}");
            }
            finally
            {
                await page.Context.CloseAsync();
            }
        }
        if (failed && _pages.Count > 0)
        {
            var lines = Fixture.Log.Split('\n');
            output?.WriteLine($"the controller's log, last {LogLinesOnFailure} lines:");
            output?.WriteLine(string.Join('\n', lines.TakeLast(LogLinesOnFailure)));
        }
    }
}
