using System.Net;
using System.Net.Http.Json;

namespace Skyhook.Controller.Tests;

/// <summary>
/// Runs a full session (setup by the fixture, then users, MFA, sign-in, tokens, failures) and scans
/// every log line of the host for every secret the tests handled.
/// </summary>
public abstract class LogScanTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FullRun_Logs_ContainNoPasswordCodeSecretOrToken()
    {
        const string password = "log scan admin password";
        var secret = await fixture.CreateAdminAsync("log-scan", password);
        var token = await fixture.LoginAsync("log-scan", password, secret, source: "192.0.2.77");
        using var client = fixture.CreateClient(token);
        await ProfilesApiTests.CreateProfileAsync(client, "log-scan");
        const string userPassword = "vpn user password 1";
        fixture.Secrets.Add(userPassword);
        await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name = "log-user", email = "l@example.com", profile = "log-scan", password = userPassword }, Cancel), HttpStatusCode.Created);
        var enrolment = await ControllerFixture.ReadAsync(await client.PostAsync("/api/v1/users/log-user/mfa", null, Cancel), HttpStatusCode.OK);
        fixture.Secrets.Add(enrolment.GetProperty("secret").GetString()!);
        using var anonymous = fixture.CreateClient(source: "192.0.2.78");
        const string wrongPassword = "wrong password guess";
        fixture.Secrets.Add(wrongPassword);
        await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { name = "log-scan", password = wrongPassword, code = fixture.NextCode(secret) }, Cancel);
        await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { name = "log-scan", password, code = "999999" }, Cancel);
        using var badToken = fixture.CreateClient(token + "x");
        await badToken.GetAsync("/api/v1/users", Cancel);

        var secrets = fixture.Secrets.All.Where(s => s.Length >= 6).ToList();
        Assert.Contains(token, secrets);
        Assert.Contains(fixture.AdminPassword, secrets);
        Assert.NotEmpty(fixture.Logs.Lines);
        foreach (var line in fixture.Logs.Lines)
        {
            foreach (var value in secrets)
            {
                Assert.False(line.Contains(value, StringComparison.Ordinal), $"A secret appears in the log: {line}");
            }
        }

        // The setup token is the one secret that is logged, by design, exactly once.
        Assert.Single(fixture.Logs.Lines, l => l.Contains(fixture.SetupToken, StringComparison.Ordinal));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteLogScanTests(SqliteControllerFixture fixture) : LogScanTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresLogScanTests(PostgresControllerFixture fixture) : LogScanTests(fixture);
