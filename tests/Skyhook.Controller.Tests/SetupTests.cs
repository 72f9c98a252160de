using System.Net;
using System.Net.Http.Json;

namespace Skyhook.Controller.Tests;

public abstract class SetupTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Setup_TokenFromLog_WrittenOnceAndWrongTokenRefused()
    {
        fixture.RequireDatabase();
        Assert.Single(fixture.Logs.Lines, l => l.Contains(fixture.SetupToken, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, fixture.WrongSetupTokenStatus);
    }

    [Fact]
    public void Login_BeforeMfaConfirmed_Unauthorized()
    {
        fixture.RequireDatabase();
        Assert.Equal(HttpStatusCode.Unauthorized, fixture.UnconfirmedAdminLoginStatus);
    }

    [Fact]
    public async Task Setup_Completed_AdminEnrolledAndSetupClosed()
    {
        using var client = fixture.CreateAdminClient();
        var admin = await ControllerFixture.ReadAsync(await client.GetAsync($"/api/v1/users/{ControllerFixture.AdminName}", Cancel), HttpStatusCode.OK);
        Assert.True(admin.GetProperty("admin").GetBoolean());
        Assert.True(admin.GetProperty("mfaEnrolled").GetBoolean());

        var again = await client.PostAsJsonAsync("/api/v1/setup", new { setupToken = fixture.SetupToken, name = "intruder", email = "i@example.com", password = "another long password" }, Cancel);
        await ControllerFixture.ReadAsync(again, HttpStatusCode.Conflict);
        var confirm = await client.PostAsJsonAsync("/api/v1/setup/confirm", new { name = ControllerFixture.AdminName, code = fixture.NextCode(fixture.AdminSecret) }, Cancel);
        await ControllerFixture.ReadAsync(confirm, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Setup_InvalidFields_ValidationProblemNamesThem()
    {
        using var client = fixture.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/setup", new { setupToken = "x", name = "bad\nname", email = "nope", password = "short" }, Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("password", out _));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteSetupTests(SqliteControllerFixture fixture) : SetupTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresSetupTests(PostgresControllerFixture fixture) : SetupTests(fixture);
