using Microsoft.Playwright;
using Skyhook.Core.Contracts;
using static Microsoft.Playwright.Assertions;

namespace Skyhook.Console.Tests;

/// <summary>
/// The activity pages with events a gateway posted: "what did alice reach yesterday, and what did she
/// try that was refused?" in a few clicks; time ranges, CSV, the live tail, hostile text shown as text.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ActivityTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    private const string DenyRule = "profile portal-web: base policy deny-all";

    [Fact]
    public async Task RefusedAttempts_FromTheUsersPage_ShowsExactlyTheDeniedFlowsWithTheirRule()
    {
        var admin = await Fixture.AdminAsync();
        var now = DateTimeOffset.UtcNow;
        await Fixture.PostEventsAsync(
            Flow("ada", now.AddMinutes(-3), Verdicts.Allowed, "10.0.0.12", 80, "profile portal-web: rule 1 (allow container web1 tcp 80)", "web1"),
            Flow("ada", now.AddMinutes(-2), Verdicts.Denied, "10.0.0.21", 22, DenyRule, "api.1.x", "api"),
            Flow("ada", now.AddMinutes(-1), Verdicts.Denied, "10.0.0.22", 5432, DenyRule, null),
            new(0, EventKinds.Dns, now.AddMinutes(-1), "ada", "192.168.43.10", Verdict: Verdicts.Denied, Name: "db.apps.internal", QueryType: "A", ResultCode: "NXDOMAIN"),
            Flow("bob", now.AddMinutes(-1), Verdicts.Denied, "10.0.0.23", 22, DenyRule, null));
        var page = await NewPageAsync(admin.StorageState);
        await AdminPages.CreateUserAsync(page, Fixture.Url, "ada", "ada's long password", ConsoleFixture.ProfileName);
        await Expect(page).ToHaveURLAsync(Fixture.Url + "/console/users/ada");

        await page.GetByRole(AriaRole.Link, new() { Name = "Refused attempts" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(Fixture.Url + "/console/activity/connections?user=ada&verdict=denied");
        var rows = page.Locator("#activity tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToContainTextAsync("10.0.0.22");
        await Expect(rows.Nth(1)).ToContainTextAsync("api.1.x");
        foreach (var row in await rows.AllAsync())
        {
            await Expect(row).ToHaveClassAsync("denied");
            await Expect(row).ToContainTextAsync(DenyRule);
        }
        await Expect(page.Locator("#activity thead")).ToContainTextAsync("Rule");
        await HeadlessChromium.ScreenshotAsync(page, "activity");

        await page.GetByRole(AriaRole.Link, new() { Name = "All activity" }).ClickAsync();
        await Expect(page.Locator("#activity tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#activity tbody")).ToContainTextAsync("A db.apps.internal → NXDOMAIN");
    }

    [Fact]
    public async Task Connections_Yesterday_ShowsYesterdaysEventsNotTodays()
    {
        var admin = await Fixture.AdminAsync();
        var today = DateTimeOffset.UtcNow;
        var yesterday = new DateTimeOffset(today.UtcDateTime.Date.AddDays(-1).AddHours(12), TimeSpan.Zero);
        await Fixture.PostEventsAsync(
            Flow("yuri", yesterday, Verdicts.Allowed, "10.0.0.41", 80, "yesterday's rule", "web1"),
            Flow("yuri", today, Verdicts.Allowed, "10.0.0.42", 80, "today's rule", "web1"));
        var page = await NewPageAsync(admin.StorageState);
        await page.GotoAsync(Fixture.Url + "/console/activity/connections?user=yuri");
        await Expect(page.Locator("#activity tbody tr")).ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Link, new() { Name = "yesterday", Exact = true }).ClickAsync();

        var rows = page.Locator("#activity tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("10.0.0.41");
        await Expect(rows.First).ToContainTextAsync(yesterday.UtcDateTime.ToString("yyyy-MM-dd 12:00:00", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.GetByLabel("From (UTC)")).ToHaveValueAsync(yesterday.UtcDateTime.ToString("yyyy-MM-dd'T'00:00", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task DownloadCsv_FilteredPage_ContainsItsRows()
    {
        var admin = await Fixture.AdminAsync();
        var now = DateTimeOffset.UtcNow;
        await Fixture.PostEventsAsync(
            Flow("carla", now.AddMinutes(-2), Verdicts.Denied, "10.0.0.51", 22, DenyRule, null),
            Flow("carla", now.AddMinutes(-1), Verdicts.Allowed, "10.0.0.52", 80, "allowed rule", "web1"));
        var page = await NewPageAsync(admin.StorageState);
        await page.GotoAsync(Fixture.Url + "/console/activity/connections?user=carla&verdict=denied");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());

        var csv = await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,gateway,sequence,kind,at,user,vpnAddress,", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains(",flow,", lines[1]);
        Assert.Contains(",carla,", lines[1]);
        Assert.Contains("10.0.0.51", lines[1]);
        Assert.Contains(DenyRule, lines[1]);
        Assert.EndsWith(".csv", download.SuggestedFilename);
    }

    [Fact]
    public async Task LiveTail_EventPostedAfterOpening_AppearsOnTopWithoutReloadAsText()
    {
        var admin = await Fixture.AdminAsync();
        await Fixture.PostEventsAsync(Flow("tina", DateTimeOffset.UtcNow.AddMinutes(-1), Verdicts.Allowed, "10.0.0.61", 80, "first", "web1"));
        var page = await NewPageAsync(admin.StorageState);
        await page.GotoAsync(Fixture.Url + "/console/activity/browsing?user=tina");
        await Expect(page.Locator("#activity-empty")).ToBeVisibleAsync();
        var loads = 0;
        page.Load += (_, _) => loads++;

        await page.GetByLabel("Live tail").CheckAsync();
        await Fixture.PostEventsAsync(
            Web("tina", "/<img src=x onerror=\"window.pwned=1\">", "<b>evil</b>.example"),
            Web("someone-else", "/other", "other.example"));

        var rows = page.Locator("#activity tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("/<img src=x onerror=\"window.pwned=1\">");
        await Expect(rows.First).ToContainTextAsync("<b>evil</b>.example");
        await Expect(page.Locator("#activity-empty")).ToHaveCountAsync(0);
        Assert.Equal(0, await page.Locator("#activity img, #activity b").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"));
        Assert.Equal(0, loads);
    }

    [Fact]
    public async Task Browsing_HostilePathAndHost_ShownAsText()
    {
        var admin = await Fixture.AdminAsync();
        await Fixture.PostEventsAsync(Web("hugo", "/search?q=<script>window.pwned=1</script>", "\"><script>window.pwned=2</script>"));
        var page = await NewPageAsync(admin.StorageState);

        await page.GotoAsync(Fixture.Url + "/console/activity/browsing?user=hugo");

        var row = page.Locator("#activity tbody tr").First;
        await Expect(row).ToContainTextAsync("/search?q=<script>window.pwned=1</script>");
        await Expect(row).ToContainTextAsync("\"><script>window.pwned=2</script>");
        Assert.Equal(0, await page.Locator("#activity script").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"));
        Assert.Contains("&lt;script&gt;window.pwned=1&lt;/script&gt;", await page.ContentAsync());
        await HeadlessChromium.ScreenshotAsync(page, "activity-browsing");
    }

    private static TelemetryEvent Flow(string user, DateTimeOffset at, string verdict, string destination, int port, string rule, string? container, string? service = null) =>
        new(0, EventKinds.Flow, at, user, "192.168.43.10", Verdict: verdict, Rule: rule, Protocol: "tcp", Destination: destination, Port: port,
            Container: container, Service: service, Ended: verdict == Verdicts.Allowed ? at.AddSeconds(4) : null,
            BytesFromClient: 1200, BytesToClient: 48000, PacketsFromClient: 3);

    private static TelemetryEvent Web(string user, string path, string host) =>
        new(0, EventKinds.Web, DateTimeOffset.UtcNow, user, "192.168.43.10", Verdict: Verdicts.Allowed, Protocol: "tcp", Destination: "10.0.0.12", Port: 80,
            Container: "web1", Name: host, Method: "GET", Path: path, Scheme: "http");
}
