using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Skyhook.Console.Tests;

/// <summary>The user portal: the first sign-in enrols a one-time code, then the user downloads a working .ovpn.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PortalTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task FirstSignIn_EnrolsFromTheQrSecret_ThenDownloadsAProfileThatParses()
    {
        var (group, endpoint) = await Fixture.GroupWithGatewayAsync();
        var admin = await NewPageAsync((await Fixture.AdminAsync()).StorageState);
        await AdminPages.CreateUserAsync(admin, Fixture.Url, "frank", "frank's long password", ConsoleFixture.ProfileName);
        await Expect(admin).ToHaveURLAsync(Fixture.Url + "/console/users/frank");

        var page = await NewPageAsync();
        var frank = await ConsoleAccount.FirstSignInAsync(page, Fixture.Url, "frank", "frank's long password", screenshot: "portal-enrol");
        var secret = frank.Codes.Secret;

        await Expect(page.Locator(".notice")).ToContainTextAsync("one-time code is set up");
        Assert.DoesNotContain(secret, await page.ContentAsync());
        await Expect(page.Locator("#reach tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#reach")).ToContainTextAsync("container web1");
        await HeadlessChromium.ScreenshotAsync(page, "portal");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator($"#download-{group}").ClickAsync());
        var path = Path.Combine(Directory.CreateTempSubdirectory("skyhook-ovpn-").FullName, download.SuggestedFilename);
        await download.SaveAsAsync(path);
        var profile = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);

        Assert.Equal($"frank-{group}.ovpn", download.SuggestedFilename);
        var lines = profile.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("client", lines);
        Assert.Contains($"remote {endpoint} 1194", lines);
        Assert.Contains(lines, l => l.StartsWith("static-challenge ", StringComparison.Ordinal));
        Assert.Contains("auth-user-pass", lines);
        var ca = profile[(profile.IndexOf("<ca>", StringComparison.Ordinal) + 4)..profile.IndexOf("</ca>", StringComparison.Ordinal)];
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(ca.Trim());
        Assert.True(certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension>().Single().CertificateAuthority);

        // Enrolled now: the next sign-in takes the code and lands on the portal.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await frank.SignInAsync(page, Fixture.Url);
        await Expect(page).ToHaveURLAsync(Fixture.Url + "/portal");
    }
}
