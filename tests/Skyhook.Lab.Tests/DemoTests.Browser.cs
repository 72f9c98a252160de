using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Skyhook.Lab.Tests;

/// <summary>The demo's console and portal in headless Chromium, signed in with the credentials the demo printed.</summary>
public sealed partial class DemoTests
{
    /// <summary>Gateways report sessions and byte counters in heartbeats every few seconds.</summary>
    private static readonly TimeSpan HeartbeatWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What a newcomer sees at the printed address: as the admin, the dashboard (the gateway online,
    /// one live session), the sessions page (alice at her tunnel address, bytes both ways) and the
    /// group page (its gateway), each saved as a screenshot; as alice, the portal with her .ovpn.
    /// </summary>
    private async Task BrowseAsync(JsonElement demo, long demoEndedAtStep, string tunnelAddress)
    {
        var url = demo.GetProperty("controllerUrl").GetString()!;
        var group = demo.GetProperty("group").GetString()!;
        var gateway = demo.GetProperty("gateway").GetProperty("name").GetString()!;
        // "198.51.100.11:1194/udp": the console shows address and port.
        var endpoint = demo.GetProperty("gateway").GetProperty("vpnEndpoint").GetString()!.Split('/')[0];
        var admin = SignedInByTheDemo(demo.GetProperty("admin"), demoEndedAtStep);
        var alice = SignedInByTheDemo(demo.GetProperty("user"), demoEndedAtStep);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var pages = new List<IPage>();
        try
        {
            var page = await HeadlessChromium.NewPageAsync(browser);
            pages.Add(page);
            await page.GotoAsync(url);
            await admin.SignInAsync(page, url);

            await ShowsEventuallyAsync(
                page,
                url + "/console",
                async () => await TextsAsync(page.Locator($".gateway-status[data-gateway='{gateway}'] .badge")) is ["online"]
                    && await TextsAsync(page.Locator("#live-sessions")) is ["1"],
                $"the dashboard shows gateway {gateway} online and 1 live session");
            await Expect(page.Locator("#gateways-online")).ToContainTextAsync("1 of 1 online");
            output.WriteLine(await HeadlessChromium.ScreenshotAsync(page, "dashboard"));

            var session = page.Locator("table.sessions tbody tr").Filter(new() { HasText = alice.Name });
            await ShowsEventuallyAsync(
                page,
                url + "/console/sessions",
                async () => await TextsAsync(session.Locator("td")) is [var user, _, var address, _, _, var fromClient, var toClient, ..]
                    && user == alice.Name && address == tunnelAddress && fromClient != "0 B" && toClient != "0 B",
                $"a session of {alice.Name} at {tunnelAddress} with bytes from and to the client");
            await Expect(session).ToHaveCountAsync(1);
            await Expect(session.Locator("td").Nth(1)).ToHaveTextAsync($"{gateway} ({group})");
            output.WriteLine(await HeadlessChromium.ScreenshotAsync(page, "sessions"));

            await page.GotoAsync(url + "/console/groups/" + group);
            var gatewayRow = page.Locator($"#gateways tr[data-gateway='{gateway}']");
            await Expect(gatewayRow.Locator(".badge")).ToHaveTextAsync("online");
            await Expect(gatewayRow).ToContainTextAsync(endpoint);
            output.WriteLine(await HeadlessChromium.ScreenshotAsync(page, "group"));

            // alice at another laptop: enrolled by the demo, so password and code straight away.
            var portal = await HeadlessChromium.NewPageAsync(browser);
            pages.Add(portal);
            await portal.GotoAsync(url + "/portal");
            await alice.SignInAsync(portal, url);
            await Expect(portal).ToHaveURLAsync(url + "/portal");
            var link = portal.Locator($"#download-{group}");
            await Expect(link).ToHaveTextAsync($"Download {alice.Name}-{group}.ovpn");
            var download = await portal.RunAndWaitForDownloadAsync(() => link.ClickAsync());
            Assert.Equal($"{alice.Name}-{group}.ovpn", download.SuggestedFilename);
            var profile = await File.ReadAllTextAsync(await download.PathAsync(), Cancel);
            Assert.Contains("remote " + endpoint.Replace(':', ' '), profile.Split('\n').Select(l => l.Trim()));
        }
        catch
        {
            for (var i = 0; i < pages.Count; i++)
            {
                try
                {
                    output.WriteLine($"screenshot of {pages[i].Url}: {await HeadlessChromium.ScreenshotAsync(pages[i], $"demo-failed-{i + 1}")}");
                }
                catch (PlaywrightException ex)
                {
                    output.WriteLine($"no screenshot of {pages[i].Url}: {ex.Message}");
                }
            }
            throw;
        }
    }

    /// <summary>
    /// A person the demo made, with codes it has not used. The demo used some of them (the admin's at
    /// setup and API login, alice's at enrolment and VPN login), each at most one step ahead of the
    /// clock, and the controller takes each step once and never one before it. So codes start two
    /// steps after the demo ended: the first waits for the clock until that step is within reach.
    /// </summary>
    private static ConsoleAccount SignedInByTheDemo(JsonElement account, long demoEndedAtStep) => new(
        account.GetProperty("name").GetString()!,
        account.GetProperty("password").GetString()!,
        new OneTimeCodes(account.GetProperty("totpSecret").GetString()!, lastUsedStep: demoEndedAtStep + 1));

    /// <summary>
    /// Opens <paramref name="url"/> and reloads it until <paramref name="shows"/> holds: the pages
    /// show the gateways' last heartbeats. Reads only.
    /// </summary>
    private static async Task ShowsEventuallyAsync(IPage page, string url, Func<Task<bool>> shows, string expected)
    {
        var deadline = DateTimeOffset.UtcNow + HeartbeatWait;
        await page.GotoAsync(url);
        while (!await shows())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"expected within {HeartbeatWait.TotalSeconds:0} s on {url}: {expected}; the page shows:\n{await page.Locator("main").InnerTextAsync()}");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), Cancel);
            await page.ReloadAsync();
        }
    }

    /// <summary>The trimmed text of every element the locator finds now, without waiting for one.</summary>
    private static async Task<IReadOnlyList<string>> TextsAsync(ILocator locator) =>
        (await locator.AllInnerTextsAsync()).Select(text => text.Trim()).ToList();

    /// <summary>The address openvpn gave the desktop's tunnel (the session's VPN address).</summary>
    private static async Task<string> TunnelAddressAsync(Lab lab, string desktop)
    {
        var addresses = await lab.ExecAsync(desktop, "ip", ["-4", "-o", "address", "show"], Cancel);
        var tunnel = addresses.StandardOutput.Split('\n').Single(line => Regex.IsMatch(line, @"^\d+: tun"));
        return Regex.Match(tunnel, @"inet (\d+\.\d+\.\d+\.\d+)/").Groups[1].Value;
    }
}
