using System.Net;
using System.Net.Http.Json;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Tests;

public abstract class VpnAuthTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Password = "vpn user password";

    private async Task<(HttpClient Gateway, byte[] Secret)> SetUpAsync(string prefix, int sessionLifetimeSeconds = 43200)
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, prefix, clientPool: "192.168.40.0/22", sessionLifetimeSeconds: sessionLifetimeSeconds);
        var secret = await Gateways.CreateVpnUserAsync(fixture, admin, prefix + "-user", Password, prefix + "-profile");
        var (_, gateway) = await Gateways.AddAndEnrolAsync(fixture, admin, prefix, prefix + "-gw");
        return (gateway, secret);
    }

    private static VpnAuthRequest Login(string user, string? password, string? code, string source = "203.0.113.50") =>
        new(user, password, code, null, source, "OpenVPN 2.6");

    private static VpnAuthRequest Resume(string user, string token, string source = "203.0.113.50") =>
        new(user, null, null, token, source, "OpenVPN 2.6");

    [Fact]
    public async Task Auth_RightPasswordAndCode_AllowedWithPushProfileAndSessionToken()
    {
        var (gateway, secret) = await SetUpAsync("vpn-ok");
        using (gateway)
        {
            var decision = await Gateways.AuthAsync(fixture, gateway, Login("vpn-ok-user", Password, fixture.NextCode(secret)));
            Assert.True(decision.Allowed, decision.Reason);
            Assert.Equal("vpn-ok-profile", decision.Profile);
            Assert.StartsWith("skyhook_st_", decision.SessionToken, StringComparison.Ordinal);
            Assert.Equal(fixture.Time.GetUtcNow().AddHours(12).ToUnixTimeSeconds(), decision.ExpiresAt!.Value.ToUnixTimeSeconds(), tolerance: 2);
            Assert.Equal(["10.0.0.0/16", "172.20.0.0/24"], decision.Push!.Routes);
            Assert.False(decision.Push.RedirectGateway);
            Assert.Equal(["10.0.0.2"], decision.Push.DnsServers);
            Assert.Equal(["apps.internal"], decision.Push.SearchDomains);
        }
    }

    [Fact]
    public async Task Auth_WrongCodeOrReplayedCode_DeniedWithoutSayingWhich()
    {
        var (gateway, secret) = await SetUpAsync("vpn-code");
        using (gateway)
        {
            var right = fixture.NextCode(secret);
            var wrong = ((int.Parse(right) + 1) % 1_000_000).ToString("D6");
            var denied = await Gateways.AuthAsync(fixture, gateway, Login("vpn-code-user", Password, wrong));
            Assert.False(denied.Allowed);
            Assert.Null(denied.SessionToken);
            var wrongPassword = await Gateways.AuthAsync(fixture, gateway, Login("vpn-code-user", "not the password", right));
            Assert.Equal(denied.Reason, wrongPassword.Reason);

            Assert.True((await Gateways.AuthAsync(fixture, gateway, Login("vpn-code-user", Password, right))).Allowed);
            var replayed = await Gateways.AuthAsync(fixture, gateway, Login("vpn-code-user", Password, right));
            Assert.False(replayed.Allowed);
            Assert.Equal(denied.Reason, replayed.Reason);
        }
    }

    [Fact]
    public async Task Auth_RepeatedFailures_LockedOutEvenWithRightCode()
    {
        var (gateway, secret) = await SetUpAsync("vpn-lock");
        using (gateway)
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.False((await Gateways.AuthAsync(fixture, gateway, Login("vpn-lock-user", "guess " + i, "000000", $"203.0.113.{60 + i}"))).Allowed);
            }

            var locked = await Gateways.AuthAsync(fixture, gateway, Login("vpn-lock-user", Password, fixture.NextCode(secret), "203.0.113.70"));
            Assert.False(locked.Allowed);
            Assert.Contains("Too many failed", locked.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Auth_DisabledUser_DeniedWithReason_SessionTokenToo()
    {
        var (gateway, secret) = await SetUpAsync("vpn-off");
        using (gateway)
        {
            var allowed = await Gateways.AuthAsync(fixture, gateway, Login("vpn-off-user", Password, fixture.NextCode(secret)));
            Assert.True(allowed.Allowed);
            using var admin = fixture.CreateAdminClient();
            await ControllerFixture.ReadAsync(await admin.PostAsync("/api/v1/users/vpn-off-user/disable", null, Cancel), HttpStatusCode.OK);

            var denied = await Gateways.AuthAsync(fixture, gateway, Login("vpn-off-user", Password, fixture.NextCode(secret)));
            Assert.False(denied.Allowed);
            Assert.Equal("This account is disabled.", denied.Reason);
            var resumed = await Gateways.AuthAsync(fixture, gateway, Resume("vpn-off-user", allowed.SessionToken!));
            Assert.False(resumed.Allowed);
        }
    }

    [Fact]
    public async Task Auth_AdminWithoutProfile_DeniedNamingProfile()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "vpn-admin");
        var (_, gateway) = await Gateways.AddAndEnrolAsync(fixture, admin, "vpn-admin", "vpn-admin-gw");
        using (gateway)
        {
            var denied = await Gateways.AuthAsync(fixture, gateway, Login(ControllerFixture.AdminName, fixture.AdminPassword, fixture.NextCode(fixture.AdminSecret), "203.0.113.80"));
            Assert.False(denied.Allowed);
            Assert.Contains("no access profile", denied.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Auth_SessionToken_AcceptedWithoutCodeUntilExpiryAndOnlyInItsGroup()
    {
        var (gateway, secret) = await SetUpAsync("vpn-session", sessionLifetimeSeconds: 600);
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "vpn-session-other");
        var (_, other) = await Gateways.AddAndEnrolAsync(fixture, admin, "vpn-session-other", "vpn-session-other-gw");
        var (_, sibling) = await Gateways.AddAndEnrolAsync(fixture, admin, "vpn-session", "vpn-session-gw2");
        using (gateway)
        using (other)
        using (sibling)
        {
            var login = await Gateways.AuthAsync(fixture, gateway, Login("vpn-session-user", Password, fixture.NextCode(secret)));
            Assert.True(login.Allowed);
            var token = login.SessionToken!;

            // A reconnect through another gateway of the group: no code needed.
            var resumed = await Gateways.AuthAsync(fixture, sibling, Resume("vpn-session-user", token));
            Assert.True(resumed.Allowed, resumed.Reason);
            Assert.Equal(login.ExpiresAt, resumed.ExpiresAt);
            Assert.Equal("vpn-session-profile", resumed.Profile);

            Assert.False((await Gateways.AuthAsync(fixture, other, Resume("vpn-session-user", token))).Allowed);
            Assert.False((await Gateways.AuthAsync(fixture, gateway, Resume("vpn-off-someone", token))).Allowed);
            var tampered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
            Assert.False((await Gateways.AuthAsync(fixture, gateway, Resume("vpn-session-user", tampered))).Allowed);

            fixture.Time.Advance(TimeSpan.FromMinutes(11));
            var expired = await Gateways.AuthAsync(fixture, gateway, Resume("vpn-session-user", token));
            Assert.False(expired.Allowed);
            Assert.Contains("session has ended", expired.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Auth_MalformedAddress_ValidationProblem()
    {
        var (gateway, _) = await SetUpAsync("vpn-bad");
        using (gateway)
        {
            var response = await gateway.PostAsJsonAsync("/api/v1/gateway/auth", Login("vpn-bad-user", Password, "123456", "not-an-ip"), Cancel);
            var errors = (await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("publicAddress", out _));
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteVpnAuthTests(SqliteControllerFixture fixture) : VpnAuthTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresVpnAuthTests(PostgresControllerFixture fixture) : VpnAuthTests(fixture);
