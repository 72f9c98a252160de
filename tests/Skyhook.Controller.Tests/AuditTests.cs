using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Skyhook.Controller.Audit;

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

    [Fact]
    public async Task Audit_ActorActionSubjectFilters_KeepOnlyMatchingEntries()
    {
        using var client = fixture.CreateAdminClient();
        await ProfilesApiTests.CreateProfileAsync(client, "auditf-alpha");
        var beta = await ProfilesApiTests.CreateProfileAsync(client, "auditf-beta");
        await ControllerFixture.ReadAsync(await UsersApiTests.PutAsync(client, "/api/v1/profiles/auditf-beta", new { basePolicy = "allow-all", rules = Array.Empty<object>() }, beta.Headers.ETag!.Tag), HttpStatusCode.OK);

        Assert.Equal(["profile.update", "profile.create"], await ActionsAsync(client, "?subject=AUDITF-BETA"));
        Assert.Equal(["profile auditf-beta"], await SubjectsAsync(client, "?action=profile.update&subject=auditf-"));
        Assert.Equal(["profile auditf-beta", "profile auditf-alpha"], await SubjectsAsync(client, "?action=profile.create&subject=auditf-"));
        Assert.Equal(3, (await SubjectsAsync(client, $"?actor={ControllerFixture.AdminName.ToUpperInvariant()}&subject=auditf-")).Count);
        Assert.Empty(await SubjectsAsync(client, "?actor=nobody&subject=auditf-"));
        Assert.Empty(await SubjectsAsync(client, "?action=user.&subject=auditf-"));
    }

    [Fact]
    public async Task Audit_TimeRange_KeepsEntriesWithinNewestFirst()
    {
        using var client = fixture.CreateAdminClient();
        await ProfilesApiTests.CreateProfileAsync(client, "auditt-early");
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        var middle = fixture.Time.GetUtcNow();
        await ProfilesApiTests.CreateProfileAsync(client, "auditt-middle");
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await ProfilesApiTests.CreateProfileAsync(client, "auditt-late");

        var at = Uri.EscapeDataString(middle.ToString("O"));
        Assert.Equal(["profile auditt-middle"], await SubjectsAsync(client, $"?subject=auditt-&from={at}&to={at}"));
        Assert.Equal(["profile auditt-late", "profile auditt-middle"], await SubjectsAsync(client, $"?subject=auditt-&from={at}"));
        Assert.Equal(["profile auditt-middle", "profile auditt-early"], await SubjectsAsync(client, $"?subject=auditt-&to={at}"));
        Assert.Equal(["profile auditt-late"], await SubjectsAsync(client, $"?subject=auditt-&from={at}&limit=1"));

        var before = Uri.EscapeDataString(middle.AddSeconds(-1).ToString("O"));
        var problem = await ControllerFixture.ReadAsync(await client.GetAsync($"/api/v1/audit?from={at}&to={before}", Cancel), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("to", out _));
    }

    [Fact]
    public async Task RecentRefusals_FailedSignIns_NewestFirstWithCauseAndNothingElse()
    {
        using var admin = fixture.CreateAdminClient();
        await ProfilesApiTests.CreateProfileAsync(admin, "refusal-profile", ignoreConflict: true);
        const string password = "refused user password";
        fixture.Secrets.Add(password);
        await ControllerFixture.ReadAsync(await admin.PostAsJsonAsync("/api/v1/users", new { name = "refused", email = "refused@example.com", profile = "refusal-profile", password }, Cancel), HttpStatusCode.Created);

        using var anonymous = fixture.CreateClient(source: "192.0.2.61");
        await ControllerFixture.ReadAsync(await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { name = "no-such-refused", password = "whatever it is", code = "123456" }, Cancel), HttpStatusCode.Unauthorized);
        using var other = fixture.CreateClient(source: "192.0.2.62");
        await ControllerFixture.ReadAsync(await other.PostAsJsonAsync("/api/v1/auth/login", new { name = "refused", password = "not the password", code = "123456" }, Cancel), HttpStatusCode.Unauthorized);
        // A newer entry that is no refusal must not push the refusals out.
        await ProfilesApiTests.CreateProfileAsync(admin, "refusal-after");

        await using var scope = fixture.CreateScope();
        var refusals = await scope.ServiceProvider.GetRequiredService<AuditQuery>().RecentRefusalsAsync(2, Cancel);

        Assert.Collection(
            refusals,
            newest =>
            {
                Assert.Equal("refused", newest.User);
                Assert.Equal("192.0.2.62", newest.Source);
                Assert.Equal("wrong password", newest.Cause);
            },
            older =>
            {
                Assert.Equal("(no such user)", older.User);
                Assert.Equal("192.0.2.61", older.Source);
                Assert.Equal("no such user", older.Cause);
            });
        Assert.True(refusals[0].Id > refusals[1].Id);
    }

    private static async Task<List<string>> SubjectsAsync(HttpClient client, string query) =>
        (await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/audit" + query, Cancel), HttpStatusCode.OK))
            .EnumerateArray().Select(e => e.GetProperty("subject").GetString()!).ToList();

    private static async Task<List<string>> ActionsAsync(HttpClient client, string query) =>
        (await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/audit" + query, Cancel), HttpStatusCode.OK))
            .EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToList();
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAuditTests(SqliteControllerFixture fixture) : AuditTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditTests(PostgresControllerFixture fixture) : AuditTests(fixture);
