using System.Net;
using System.Net.Http.Json;

namespace Skyhook.Controller.Tests;

public abstract class AuthTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Password = "a long admin password";

    [Fact]
    public async Task Login_WrongPassword_Unauthorized()
    {
        var secret = await fixture.CreateAdminAsync("auth-wrong-pw", Password);
        using var client = fixture.CreateClient(source: "198.51.100.1");
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { name = "auth-wrong-pw", password = "not the password", code = fixture.NextCode(secret) }, Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Login_WrongCode_Unauthorized()
    {
        var secret = await fixture.CreateAdminAsync("auth-wrong-code", Password);
        using var client = fixture.CreateClient(source: "198.51.100.2");
        var right = fixture.NextCode(secret);
        var wrong = ((int.Parse(right) + 1) % 1_000_000).ToString("D6");
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { name = "auth-wrong-code", password = Password, code = wrong }, Cancel);
        await ControllerFixture.ReadAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_ReplayedCode_Refused()
    {
        var secret = await fixture.CreateAdminAsync("auth-replay", Password);
        using var client = fixture.CreateClient(source: "198.51.100.3");
        var code = fixture.NextCode(secret);
        var first = await client.PostAsJsonAsync("/api/v1/auth/login", new { name = "auth-replay", password = Password, code }, Cancel);
        await ControllerFixture.ReadAsync(first, HttpStatusCode.OK);
        var second = await client.PostAsJsonAsync("/api/v1/auth/login", new { name = "auth-replay", password = Password, code }, Cancel);
        await ControllerFixture.ReadAsync(second, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_RepeatedFailures_LocksUserOutThenExpires()
    {
        var secret = await fixture.CreateAdminAsync("auth-lockout", Password);
        for (var i = 0; i < 5; i++)
        {
            // A different address each time: only the per-user count can cause the lockout.
            using var attacker = fixture.CreateClient(source: $"203.0.113.{i + 1}");
            var failed = await attacker.PostAsJsonAsync("/api/v1/auth/login", new { name = "auth-lockout", password = "guess " + i, code = "000000" }, Cancel);
            await ControllerFixture.ReadAsync(failed, HttpStatusCode.Unauthorized);
        }

        using var owner = fixture.CreateClient(source: "198.51.100.4");
        var locked = await owner.PostAsJsonAsync("/api/v1/auth/login", new { name = "auth-lockout", password = Password, code = fixture.NextCode(secret) }, Cancel);
        await ControllerFixture.ReadAsync(locked, HttpStatusCode.TooManyRequests);
        Assert.True(locked.Headers.RetryAfter is not null);

        fixture.Time.Advance(TimeSpan.FromMinutes(16));
        var after = await owner.PostAsJsonAsync("/api/v1/auth/login", new { name = "auth-lockout", password = Password, code = fixture.NextCode(secret) }, Cancel);
        await ControllerFixture.ReadAsync(after, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Login_RepeatedFailuresFromOneAddress_LocksAddressForEveryName()
    {
        var secret = await fixture.CreateAdminAsync("auth-address", Password);
        using var client = fixture.CreateClient(source: "198.51.100.5");
        for (var i = 0; i < 5; i++)
        {
            var failed = await client.PostAsJsonAsync("/api/v1/auth/login", new { name = $"nobody{i}", password = "guess password", code = "123456" }, Cancel);
            await ControllerFixture.ReadAsync(failed, HttpStatusCode.Unauthorized);
        }

        var locked = await client.PostAsJsonAsync("/api/v1/auth/login", new { name = "auth-address", password = Password, code = fixture.NextCode(secret) }, Cancel);
        await ControllerFixture.ReadAsync(locked, HttpStatusCode.TooManyRequests);

        // The user is not locked: from another address the right credentials work.
        using var other = fixture.CreateClient(source: "198.51.100.6");
        var ok = await other.PostAsJsonAsync("/api/v1/auth/login", new { name = "auth-address", password = Password, code = fixture.NextCode(secret) }, Cancel);
        await ControllerFixture.ReadAsync(ok, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_Revoked_NoLongerAuthenticates()
    {
        var secret = await fixture.CreateAdminAsync("auth-revoke", Password);
        var token = await fixture.LoginAsync("auth-revoke", Password, secret, source: "198.51.100.7");
        using var client = fixture.CreateClient(token);
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/users", Cancel), HttpStatusCode.OK);

        var tokens = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/auth/tokens", Cancel), HttpStatusCode.OK);
        var current = Assert.Single(tokens.EnumerateArray(), t => t.GetProperty("current").GetBoolean());
        Assert.DoesNotContain(token, tokens.GetRawText(), StringComparison.Ordinal);

        var revoke = await client.DeleteAsync($"/api/v1/auth/tokens/{current.GetProperty("id").GetInt32()}", Cancel);
        await ControllerFixture.ReadAsync(revoke, HttpStatusCode.NoContent);
        var after = await client.GetAsync("/api/v1/users", Cancel);
        await ControllerFixture.ReadAsync(after, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_UserDisabled_NoLongerAuthenticates()
    {
        var secret = await fixture.CreateAdminAsync("auth-disabled", Password);
        var token = await fixture.LoginAsync("auth-disabled", Password, secret, source: "198.51.100.8");
        using var admin = fixture.CreateAdminClient();
        await ControllerFixture.ReadAsync(await admin.PostAsync("/api/v1/users/auth-disabled/disable", null, Cancel), HttpStatusCode.OK);
        using var client = fixture.CreateClient(token);
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/users", Cancel), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_UnknownNameLikePassword_NameKeptNowhere()
    {
        // A password typed into the name field is a valid user name; it must not be stored or logged.
        const string typed = "Hunter2Winter2026";
        fixture.Secrets.Add(typed);
        using var client = fixture.CreateClient(source: "198.51.100.9");
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { name = typed, password = "whatever password", code = "123456" }, Cancel);
        await ControllerFixture.ReadAsync(response, HttpStatusCode.Unauthorized);

        using var admin = fixture.CreateAdminClient();
        var audit = await ControllerFixture.ReadAsync(await admin.GetAsync("/api/v1/audit?limit=5", Cancel), HttpStatusCode.OK);
        var failure = audit.EnumerateArray().First(e => e.GetProperty("action").GetString() == "auth.login-failed");
        Assert.Equal("198.51.100.9", failure.GetProperty("source").GetString());
        Assert.DoesNotContain(typed, audit.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(fixture.Logs.Lines, l => l.Contains(typed, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer ")]
    [InlineData("Bearer skyhook_not-a-real-token")]
    [InlineData("Basic cm9vdDpwYXNzd29yZA==")]
    public async Task Request_BadCredential_Unauthorized(string authorization)
    {
        using var client = fixture.CreateClient();
        if (authorization.Length > 0)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.GetAsync("/api/v1/users", Cancel);
        await ControllerFixture.ReadAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAuthTests(SqliteControllerFixture fixture) : AuthTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAuthTests(PostgresControllerFixture fixture) : AuthTests(fixture);
