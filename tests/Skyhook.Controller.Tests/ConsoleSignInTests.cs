using System.Net;
using System.Text.RegularExpressions;

namespace Skyhook.Controller.Tests;

/// <summary>
/// The console's sign-in cookie against the controller's clock: it ends after the idle timeout and,
/// however active the browser, after the absolute lifetime. (The pages themselves are tested in a
/// real browser in Skyhook.Console.Tests.)
/// </summary>
public abstract partial class ConsoleSignInTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cookie_IdleLongerThanTheTimeout_SignsOut()
    {
        using var browser = await SignedInAsync("192.0.2.71");

        fixture.Time.Advance(TimeSpan.FromMinutes(31));

        Assert.Equal("/signin", await LandsOnAsync(browser, "/console"));
    }

    [Fact]
    public async Task Cookie_ActiveForLongerThanTheLifetime_SignsOut()
    {
        using var browser = await SignedInAsync("192.0.2.72");
        var signedIn = fixture.Time.GetUtcNow();

        // A request every 20 minutes keeps the idle timeout away; only the 12-hour lifetime ends it.
        while (fixture.Time.GetUtcNow() - signedIn < TimeSpan.FromHours(11.5))
        {
            fixture.Time.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal("/console", await LandsOnAsync(browser, "/console"));
        }

        fixture.Time.Advance(TimeSpan.FromMinutes(40));
        Assert.Equal("/signin", await LandsOnAsync(browser, "/console"));
    }

    /// <summary>A cookie-keeping client signed in through the sign-in form, with its anti-forgery token.</summary>
    private async Task<HttpClient> SignedInAsync(string source)
    {
        var browser = fixture.CreateClient(source: source);
        var page = await browser.GetStringAsync("/signin", Cancel);
        var token = AntiForgeryToken().Match(page).Groups[1].Value;
        var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = ControllerFixture.AdminName,
            ["password"] = fixture.AdminPassword,
            ["code"] = fixture.NextCode(fixture.AdminSecret),
            ["__skyhook_antiforgery"] = token,
        }), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/console", response.RequestMessage!.RequestUri!.AbsolutePath);
        return browser;
    }

    private static async Task<string> LandsOnAsync(HttpClient browser, string path)
    {
        var response = await browser.GetAsync(path, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.RequestMessage!.RequestUri!.AbsolutePath;
    }

    [GeneratedRegex("name=\"__skyhook_antiforgery\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgeryToken();
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteConsoleSignInTests(SqliteControllerFixture fixture) : ConsoleSignInTests(fixture);
