using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Skyhook.Controller.Audit;
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
            // The revision the controller decided at: a gateway on an older state does not cut the session for a user it does not know yet.
            Assert.Equal((await Gateways.ConfigAsync(gateway)).Revision, decision.Revision);
            Assert.StartsWith("skyhook_st_", decision.SessionToken, StringComparison.Ordinal);
            Assert.Equal(fixture.Time.GetUtcNow().AddHours(12).ToUnixTimeSeconds(), decision.ExpiresAt!.Value.ToUnixTimeSeconds(), tolerance: 2);
            Assert.Equal(["10.0.0.0/16", "172.20.0.0/24"], decision.Push!.Routes);
            Assert.False(decision.Push.RedirectGateway);
            Assert.Equal(["10.0.0.2"], decision.Push.DnsServers);
            Assert.Equal(["apps.internal"], decision.Push.SearchDomains);
        }
    }

    /// <summary>The person signing in is not told which part was wrong; the admins' log and audit are.</summary>
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

            var causes = fixture.Logs.Lines.Where(l => l.Contains("Failed sign-in for vpn-code-user", StringComparison.Ordinal)).ToList();
            Assert.Equal(3, causes.Count);
            Assert.Contains(": wrong one-time code.", causes[0], StringComparison.Ordinal);
            Assert.Contains(": wrong password.", causes[1], StringComparison.Ordinal);
            Assert.Contains(": one-time code already used.", causes[2], StringComparison.Ordinal);
            using var admin = fixture.CreateAdminClient();
            var audit = await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/audit?limit=50", Cancel), HttpStatusCode.OK);
            var audited = audit.EnumerateArray()
                .Where(e => e.GetProperty("action").GetString() == "auth.login-failed" && e.GetProperty("subject").GetString() == "user vpn-code-user")
                .Select(e => e.GetProperty("after").GetProperty("cause").GetString())
                .ToList();
            Assert.Equal(["one-time code already used", "wrong password", "wrong one-time code"], audited);
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
    public async Task Auth_AdminWithoutProfile_DeniedNamingProfile_AndAuditedAsARefusal()
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

        await using var scope = fixture.CreateScope();
        var refusal = Assert.Single(await scope.ServiceProvider.GetRequiredService<AuditQuery>().RecentRefusalsAsync(1, Cancel));
        Assert.Equal((ControllerFixture.AdminName, "203.0.113.80", "no access profile"), (refusal.User, refusal.Source, refusal.Cause));
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
    public async Task Sessions_HeartbeatWithByteCounts_ListedWithThemAndNegativeCountsRefused()
    {
        var (gateway, _) = await SetUpAsync("vpn-bytes");
        using (gateway)
        {
            var state = await Gateways.ConfigAsync(gateway);
            // Past 4 GiB: the counts are longs end to end.
            var live = new LiveSession("", "vpn-bytes-user", "192.168.40.2", "203.0.113.50", fixture.Time.GetUtcNow(), BytesFromClient: 1_234_567, BytesToClient: 5_000_000_000);
            using var admin = fixture.CreateAdminClient();

            foreach (var negative in new[] { live with { BytesFromClient = -1 }, live with { BytesToClient = long.MinValue } })
            {
                var refused = await gateway.PostAsJsonAsync("/api/v1/gateway/heartbeat", new Heartbeat(state.Revision, state.Hash, null, 1, "0.1.0", [negative]), Cancel);
                var message = Assert.Single((await ControllerFixture.ReadAsync(refused, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("liveSessions").EnumerateArray());
                Assert.Contains("cannot be negative", message.GetString(), StringComparison.Ordinal);
            }

            await ControllerFixture.ReadAsync(await gateway.PostAsJsonAsync("/api/v1/gateway/heartbeat",
                new Heartbeat(state.Revision, state.Hash, null, 1, "0.1.0", [live]), Cancel), HttpStatusCode.NoContent);
            var view = Assert.Single((await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/sessions?user=vpn-bytes-user", Cancel), HttpStatusCode.OK)).EnumerateArray());
            Assert.Equal((1_234_567L, 5_000_000_000L), (view.GetProperty("bytesFromClient").GetInt64(), view.GetProperty("bytesToClient").GetInt64()));

            // A gateway from before the counts: its sessions are listed with 0.
            var old = $$"""{"appliedRevision":{{state.Revision}},"appliedHash":"{{state.Hash}}","sessions":1,"liveSessions":[{"sessionId":"","userName":"vpn-bytes-user","address":"192.168.40.3","since":"2026-01-01T00:00:00Z"}]}""";
            await ControllerFixture.ReadAsync(await gateway.PostAsync("/api/v1/gateway/heartbeat", new StringContent(old, System.Text.Encoding.UTF8, "application/json"), Cancel), HttpStatusCode.NoContent);
            view = Assert.Single((await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/sessions?user=vpn-bytes-user", Cancel), HttpStatusCode.OK)).EnumerateArray());
            Assert.Equal(("192.168.40.3", 0L, 0L), (view.GetProperty("address").GetString(), view.GetProperty("bytesFromClient").GetInt64(), view.GetProperty("bytesToClient").GetInt64()));
        }
    }

    [Fact]
    public async Task Sessions_ReportedInHeartbeat_ListedThenEnded_TokenRefusedAndIdInDesiredState()
    {
        var (gateway, secret) = await SetUpAsync("vpn-end");
        using (gateway)
        {
            var login = await Gateways.AuthAsync(fixture, gateway, Login("vpn-end-user", Password, fixture.NextCode(secret)));
            Assert.True(VpnSessionId.IsValid(login.SessionId), login.SessionId);
            var resumed = await Gateways.AuthAsync(fixture, gateway, Resume("vpn-end-user", login.SessionToken!));
            Assert.Equal(login.SessionId, resumed.SessionId);

            var state = await Gateways.ConfigAsync(gateway);
            var live = new LiveSession(login.SessionId!, "vpn-end-user", "192.168.40.2", "203.0.113.50", fixture.Time.GetUtcNow());
            await ControllerFixture.ReadAsync(await gateway.PostAsJsonAsync("/api/v1/gateway/heartbeat",
                new Heartbeat(state.Revision, state.Hash, null, 1, "0.1.0", [live]), Cancel), HttpStatusCode.NoContent);
            var badBeat = await gateway.PostAsJsonAsync("/api/v1/gateway/heartbeat",
                new Heartbeat(state.Revision, state.Hash, null, 1, "0.1.0", [live with { Address = "not an address" }]), Cancel);
            Assert.True((await ControllerFixture.ReadAsync(badBeat, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("liveSessions", out _));

            using var admin = fixture.CreateAdminClient();
            var listed = await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/sessions?user=vpn-end-user", Cancel), HttpStatusCode.OK);
            var view = Assert.Single(listed.EnumerateArray());
            Assert.Equal((login.SessionId, "vpn-end-gw", "vpn-end", "192.168.40.2"),
                (view.GetProperty("id").GetString(), view.GetProperty("gateway").GetString(), view.GetProperty("group").GetString(), view.GetProperty("address").GetString()));

            var malformed = await admin.DeleteAsync("/api/v1/sessions/NOT-AN-ID", Cancel);
            Assert.True((await ControllerFixture.ReadAsync(malformed, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("id", out _));
            await ControllerFixture.ReadAsync(await admin.DeleteAsync("/api/v1/sessions/" + new string('0', 32), Cancel), HttpStatusCode.NotFound);
            await ControllerFixture.ReadAsync(await admin.DeleteAsync("/api/v1/sessions/" + login.SessionId, Cancel), HttpStatusCode.NoContent);

            // Its gateways learn it in the desired state (a new revision); its token is refused.
            var after = await Gateways.ConfigAsync(gateway, state.Revision);
            Assert.True(after.Revision > state.Revision);
            Assert.Equal([login.SessionId!], after.EndedSessions);
            var refused = await Gateways.AuthAsync(fixture, gateway, Resume("vpn-end-user", login.SessionToken!));
            Assert.False(refused.Allowed);
            Assert.Contains("session has ended", refused.Reason, StringComparison.Ordinal);
            var audit = await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/audit?limit=20", Cancel), HttpStatusCode.OK);
            Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "session.end"
                && e.GetProperty("subject").GetString() == "session " + login.SessionId);
        }
    }

    /// <summary>
    /// A gateway asking again for the same attempt (its replica died after taking the code) is allowed;
    /// another attempt with that code is not. From an address of its own: its refusals count towards
    /// that address's lockout, not the other tests'.
    /// </summary>
    [Fact]
    public async Task Auth_SameAttemptAskedAgain_AllowedTwice_AnotherAttemptWithTheCodeRefused()
    {
        const string Source = "203.0.113.77";
        var (gateway, secret) = await SetUpAsync("vpn-again");
        using (gateway)
        {
            var code = fixture.NextCode(secret);
            var attempt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var first = await Gateways.AuthAsync(fixture, gateway, Login("vpn-again-user", Password, code, Source) with { AttemptId = attempt });
            var again = await Gateways.AuthAsync(fixture, gateway, Login("vpn-again-user", Password, code, Source) with { AttemptId = attempt });
            var other = await Gateways.AuthAsync(fixture, gateway, Login("vpn-again-user", Password, code, Source) with { AttemptId = new string('0', 32) });
            var none = await Gateways.AuthAsync(fixture, gateway, Login("vpn-again-user", Password, code, Source));

            Assert.True(first.Allowed, first.Reason);
            Assert.True(again.Allowed, again.Reason);
            Assert.NotEqual(first.SessionToken, again.SessionToken);
            Assert.False(other.Allowed);
            Assert.False(none.Allowed);
        }
    }

    [Fact]
    public async Task Auth_MalformedAttemptId_ValidationProblem()
    {
        var (gateway, _) = await SetUpAsync("vpn-bad-attempt");
        using (gateway)
        {
            var response = await gateway.PostAsJsonAsync("/api/v1/gateway/auth", Login("vpn-bad-attempt-user", Password, "123456") with { AttemptId = "0123456789ABCDEF0123456789ABCDEF" }, Cancel);
            var errors = (await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.Equal(["attemptId"], errors.EnumerateObject().Select(e => e.Name));
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
