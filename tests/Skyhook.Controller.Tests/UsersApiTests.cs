using System.Net;
using System.Net.Http.Json;

namespace Skyhook.Controller.Tests;

public abstract class UsersApiTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_ValidUser_CreatedWithETagAndReadable()
    {
        using var client = fixture.CreateAdminClient();
        await ProfilesApiTests.CreateProfileAsync(client, "users-basic");
        var created = await client.PostAsJsonAsync("/api/v1/users", new { name = "alice.smith", email = "alice@example.com", profile = "users-basic" }, Cancel);
        var body = await ControllerFixture.ReadAsync(created, HttpStatusCode.Created);
        Assert.NotNull(created.Headers.ETag);
        Assert.Equal("users-basic", body.GetProperty("profile").GetString());
        Assert.False(body.GetProperty("mfaEnrolled").GetBoolean());
        Assert.False(body.GetProperty("hasPassword").GetBoolean());

        var read = await client.GetAsync("/api/v1/users/alice.smith", Cancel);
        var user = await ControllerFixture.ReadAsync(read, HttpStatusCode.OK);
        Assert.Equal("alice@example.com", user.GetProperty("email").GetString());
        Assert.Equal(created.Headers.ETag, read.Headers.ETag);

        var list = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/users", Cancel), HttpStatusCode.OK);
        Assert.Contains(list.EnumerateArray(), u => u.GetProperty("name").GetString() == "alice.smith");
    }

    [Fact]
    public async Task Create_DuplicateNameInAnyCase_Conflict()
    {
        using var client = fixture.CreateAdminClient();
        await ProfilesApiTests.CreateProfileAsync(client, "users-dup");
        await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name = "bob", email = "bob@example.com", profile = "users-dup" }, Cancel), HttpStatusCode.Created);
        await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name = "bob", email = "bob@example.com", profile = "users-dup" }, Cancel), HttpStatusCode.Conflict);
        await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name = "BOB", email = "bob@example.com", profile = "users-dup" }, Cancel), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Create_UnknownProfile_ValidationProblemNamingProfileAndNothingWritten()
    {
        using var client = fixture.CreateAdminClient();
        var response = await client.PostAsJsonAsync("/api/v1/users", new { name = "carol", email = "carol@example.com", profile = "no-such-profile" }, Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("profile", out _));
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/users/carol", Cancel), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("new\nline")]
    [InlineData("quo\"te")]
    [InlineData("it's")]
    [InlineData("with space")]
    [InlineData("bell\u0007")]
    [InlineData("zero\u200bwidth")]
    [InlineData("-dash-first")]
    [InlineData("")]
    public async Task Create_BadName_ValidationProblemNamingName(string name)
    {
        using var client = fixture.CreateAdminClient();
        await ProfilesApiTests.CreateProfileAsync(client, "users-badname", ignoreConflict: true);
        var response = await client.PostAsJsonAsync("/api/v1/users", new { name, email = "x@example.com", profile = "users-badname" }, Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("name").EnumerateArray()).GetString()!;
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public async Task Update_WithoutIfMatch_PreconditionRequired()
    {
        using var client = fixture.CreateAdminClient();
        await ProfilesApiTests.CreateProfileAsync(client, "users-428");
        await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name = "dave", email = "dave@example.com", profile = "users-428" }, Cancel), HttpStatusCode.Created);
        var response = await client.PutAsJsonAsync("/api/v1/users/dave", new { email = "dave2@example.com", profile = "users-428", enabled = true, admin = false }, Cancel);
        await ControllerFixture.ReadAsync(response, (HttpStatusCode)428);
    }

    [Fact]
    public async Task Update_StaleIfMatch_PreconditionFailedAndCurrentOneSucceeds()
    {
        using var client = fixture.CreateAdminClient();
        await ProfilesApiTests.CreateProfileAsync(client, "users-412");
        var created = await client.PostAsJsonAsync("/api/v1/users", new { name = "erin", email = "erin@example.com", profile = "users-412" }, Cancel);
        var etag = created.Headers.ETag!.Tag;

        var first = await PutAsync(client, "/api/v1/users/erin", new { email = "erin2@example.com", profile = "users-412", enabled = true, admin = false }, etag);
        await ControllerFixture.ReadAsync(first, HttpStatusCode.OK);
        Assert.NotEqual(etag, first.Headers.ETag!.Tag);

        // A second admin still holding the old ETag must not overwrite the first one's change.
        var stale = await PutAsync(client, "/api/v1/users/erin", new { email = "erin3@example.com", profile = "users-412", enabled = true, admin = false }, etag);
        await ControllerFixture.ReadAsync(stale, HttpStatusCode.PreconditionFailed);
        var user = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/users/erin", Cancel), HttpStatusCode.OK);
        Assert.Equal("erin2@example.com", user.GetProperty("email").GetString());

        var staleDelete = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/users/erin");
        staleDelete.Headers.TryAddWithoutValidation("If-Match", etag);
        await ControllerFixture.ReadAsync(await client.SendAsync(staleDelete, Cancel), HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task DisableEnableDelete_ExistingUser_StateFollows()
    {
        using var client = fixture.CreateAdminClient();
        await ProfilesApiTests.CreateProfileAsync(client, "users-lifecycle");
        await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name = "frank", email = "frank@example.com", profile = "users-lifecycle" }, Cancel), HttpStatusCode.Created);

        var disabled = await ControllerFixture.ReadAsync(await client.PostAsync("/api/v1/users/frank/disable", null, Cancel), HttpStatusCode.OK);
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        var enabled = await ControllerFixture.ReadAsync(await client.PostAsync("/api/v1/users/frank/enable", null, Cancel), HttpStatusCode.OK);
        Assert.True(enabled.GetProperty("enabled").GetBoolean());

        await ControllerFixture.ReadAsync(await client.DeleteAsync("/api/v1/users/frank", Cancel), HttpStatusCode.NoContent);
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/users/frank", Cancel), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Mfa_EnrolAndConfirm_MarksEnrolledAndSecretNotShownAgain()
    {
        using var client = fixture.CreateAdminClient();
        await ProfilesApiTests.CreateProfileAsync(client, "users-mfa");
        await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name = "grace", email = "grace@example.com", profile = "users-mfa" }, Cancel), HttpStatusCode.Created);
        var enrolment = await ControllerFixture.ReadAsync(await client.PostAsync("/api/v1/users/grace/mfa", null, Cancel), HttpStatusCode.OK);
        var secretText = enrolment.GetProperty("secret").GetString()!;
        fixture.Secrets.Add(secretText);
        Assert.StartsWith("otpauth://totp/", enrolment.GetProperty("otpAuthUri").GetString(), StringComparison.Ordinal);

        var wrong = await client.PostAsJsonAsync("/api/v1/users/grace/mfa/confirm", new { code = "12345" }, Cancel);
        var problem = await ControllerFixture.ReadAsync(wrong, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("code", out _));

        var code = fixture.NextCode(Core.Identity.Base32.Decode(secretText));
        var user = await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users/grace/mfa/confirm", new { code }, Cancel), HttpStatusCode.OK);
        Assert.True(user.GetProperty("mfaEnrolled").GetBoolean());
        var read = await client.GetStringAsync("/api/v1/users/grace", Cancel);
        Assert.DoesNotContain(secretText, read, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteOrDisable_LastAdmin_Conflict()
    {
        using var client = fixture.CreateAdminClient();
        // Tests run one at a time in this collection, so admins other tests made are idle now.
        var users = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/users", Cancel), HttpStatusCode.OK);
        foreach (var other in users.EnumerateArray().Where(u => u.GetProperty("admin").GetBoolean() && u.GetProperty("name").GetString() != ControllerFixture.AdminName))
        {
            await ControllerFixture.ReadAsync(await client.PostAsync($"/api/v1/users/{other.GetProperty("name").GetString()}/disable", null, Cancel), HttpStatusCode.OK);
        }

        await ControllerFixture.ReadAsync(await client.DeleteAsync($"/api/v1/users/{ControllerFixture.AdminName}", Cancel), HttpStatusCode.Conflict);
        await ControllerFixture.ReadAsync(await client.PostAsync($"/api/v1/users/{ControllerFixture.AdminName}/disable", null, Cancel), HttpStatusCode.Conflict);
        await ControllerFixture.ReadAsync(await client.PostAsync($"/api/v1/users/{ControllerFixture.AdminName}/mfa", null, Cancel), HttpStatusCode.Conflict);
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/users", Cancel), HttpStatusCode.OK);
    }

    internal static Task<HttpResponseMessage> PutAsync(HttpClient client, string path, object body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return client.SendAsync(request, Cancel);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteUsersApiTests(SqliteControllerFixture fixture) : UsersApiTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresUsersApiTests(PostgresControllerFixture fixture) : UsersApiTests(fixture);
