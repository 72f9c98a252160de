using System.Net;
using System.Net.Http.Json;

namespace Skyhook.Controller.Tests;

public abstract class AuditTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Audit_UserCreatedAndUpdated_RecordsWhoWhatWhenWhereBeforeAfterWithoutSecrets()
    {
        using var client = fixture.CreateAdminClient(source: "192.0.2.44");
        await ProfilesApiTests.CreateProfileAsync(client, "audit-profile");
        const string password = "audit user password";
        fixture.Secrets.Add(password);
        var created = await client.PostAsJsonAsync("/api/v1/users", new { name = "judy", email = "judy@example.com", profile = "audit-profile", password }, Cancel);
        await ControllerFixture.ReadAsync(created, HttpStatusCode.Created);
        var updated = await UsersApiTests.PutAsync(client, "/api/v1/users/judy", new { email = "judy@example.org", profile = "audit-profile", enabled = true, admin = false }, created.Headers.ETag!.Tag);
        await ControllerFixture.ReadAsync(updated, HttpStatusCode.OK);

        var audit = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/audit?limit=20", Cancel), HttpStatusCode.OK);
        var entries = audit.EnumerateArray().Where(e => e.GetProperty("subject").GetString() == "user judy").ToList();
        var update = Assert.Single(entries, e => e.GetProperty("action").GetString() == "user.update");
        Assert.Equal(ControllerFixture.AdminName, update.GetProperty("actor").GetString());
        Assert.Equal("192.0.2.44", update.GetProperty("source").GetString());
        Assert.Equal(fixture.Time.GetUtcNow(), update.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("judy@example.com", update.GetProperty("before").GetProperty("email").GetString());
        Assert.Equal("judy@example.org", update.GetProperty("after").GetProperty("email").GetString());
        Assert.Single(entries, e => e.GetProperty("action").GetString() == "user.create");
        Assert.DoesNotContain(password, audit.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", audit.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_FailedRequest_RecordsNothing()
    {
        using var client = fixture.CreateAdminClient();
        var before = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/audit?limit=1", Cancel), HttpStatusCode.OK);
        await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name = "kate", email = "kate@example.com", profile = "missing" }, Cancel), HttpStatusCode.BadRequest);
        var after = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/audit?limit=1", Cancel), HttpStatusCode.OK);
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task Audit_BadLimit_ValidationProblemNamingLimit()
    {
        using var client = fixture.CreateAdminClient();
        var problem = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/audit?limit=0", Cancel), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAuditTests(SqliteControllerFixture fixture) : AuditTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditTests(PostgresControllerFixture fixture) : AuditTests(fixture);
