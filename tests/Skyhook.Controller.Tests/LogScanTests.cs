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

        // The gateway side: swarm join token, join token, credential, VPN logins and a session token.
        fixture.Secrets.Add(Gateways.SwarmToken);
        await Gateways.CreateGroupAsync(client, "log-scan");
        var (_, joinToken) = await Gateways.AddGatewayAsync(fixture, client, "log-scan", "log-scan-gw", "198.51.100.99");
        await Gateways.PostEnrolAsync(fixture, joinToken + "x", "log-scan-gw");
        var gatewayEnrolment = await Gateways.EnrolAsync(fixture, joinToken, "log-scan-gw");
        await Gateways.PostEnrolAsync(fixture, joinToken, "log-scan-gw");
        using var gateway = Gateways.GatewayClient(fixture, gatewayEnrolment.Credential);
        await Gateways.ConfigAsync(gateway);
        const string vpnPassword = "log scan vpn password";
        var vpnSecret = await Gateways.CreateVpnUserAsync(fixture, client, "log-vpn", vpnPassword, "log-scan");
        var vpnCode = fixture.NextCode(vpnSecret);
        var login = await Gateways.AuthAsync(fixture, gateway, new("log-vpn", vpnPassword, vpnCode, null, "192.0.2.79", null));
        Assert.True(login.Allowed, login.Reason);
        await Gateways.AuthAsync(fixture, gateway, new("log-vpn", vpnPassword, vpnCode, null, "192.0.2.79", null));
        await Gateways.AuthAsync(fixture, gateway, new("log-vpn", null, null, login.SessionToken, "192.0.2.79", null));
        await Gateways.AuthAsync(fixture, gateway, new("log-vpn", null, null, login.SessionToken + "x", "192.0.2.79", null));
        using var adminAsGateway = Gateways.GatewayClient(fixture, token);
        await adminAsGateway.GetAsync("/api/v1/gateway/config", Cancel);
        Assert.Contains(joinToken, fixture.Secrets.All);
        Assert.Contains(gatewayEnrolment.Credential, fixture.Secrets.All);
        Assert.Contains(login.SessionToken!, fixture.Secrets.All);

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
