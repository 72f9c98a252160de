using System.Text.Json;

namespace Skyhook.Console.Tests;

/// <summary>The whole stack answers: Chromium, the Playwright driver, and the controller process.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SmokeTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task Healthz_OpenedInChromium_ShowsOk()
    {
        var page = await NewPageAsync();

        var response = await page.GotoAsync(Fixture.Url + "/healthz");

        Assert.Equal(200, response?.Status);
        Assert.Equal("\"ok\"", await page.Locator("body").InnerTextAsync());
    }

    [Fact]
    public async Task OpenApiDocument_OpenedInChromium_IsJsonNamingItsVersion()
    {
        var page = await NewPageAsync();

        var response = await page.GotoAsync(Fixture.Url + "/openapi/v1.json");

        Assert.Equal(200, response?.Status);
        Assert.StartsWith("application/json", response?.Headers["content-type"]);
        using var document = JsonDocument.Parse(await page.Locator("body").InnerTextAsync());
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString());
    }
}
