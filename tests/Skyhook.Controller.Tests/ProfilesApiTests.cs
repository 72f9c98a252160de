using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Skyhook.Controller.Tests;

public abstract class ProfilesApiTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_WithOrderedRules_RoundTripsInCanonicalForm()
    {
        using var client = fixture.CreateAdminClient();
        var response = await client.PostAsJsonAsync("/api/v1/profiles", new
        {
            name = "developers",
            basePolicy = "deny-all",
            rules = new object[]
            {
                new { action = "deny", target = "container db1", protocol = "tcp", ports = new[] { "5432" } },
                new { action = "allow", target = "label com.example.team=payments", protocol = "tcp", ports = new[] { "80", "8000:8100" } },
                new { action = "allow", target = "cidr 10.0.3.0/24", protocol = "icmp", ports = Array.Empty<string>() },
            },
        }, Cancel);
        var created = await ControllerFixture.ReadAsync(response, HttpStatusCode.Created);
        Assert.NotNull(response.Headers.ETag);

        var profile = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/profiles/developers", Cancel), HttpStatusCode.OK);
        Assert.Equal(created.GetRawText(), profile.GetRawText());
        Assert.Equal("deny-all", profile.GetProperty("basePolicy").GetString());
        string[] expected =
        [
            "deny container db1 tcp 5432",
            "allow label com.example.team=payments tcp 80,8000:8100",
            "allow cidr 10.0.3.0/24 icmp",
        ];
        Assert.Equal(expected, profile.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("text").GetString()));
    }

    [Theory]
    [InlineData("allow", "container web1", "tcp", "0", "rules[0].ports[0]")]
    [InlineData("allow", "container web1", "tcp", "70000", "rules[0].ports[0]")]
    [InlineData("allow", "container web1", "tcp", "80:20", "rules[0].ports[0]")]
    [InlineData("allow", "container web1", "icmp", "80", "rules[0].ports")]
    [InlineData("permit", "container web1", "tcp", "80", "rules[0].action")]
    [InlineData("allow", "container web 1", "tcp", "80", "rules[0].target")]
    [InlineData("allow", "cidr 10.0.0.0/33", "tcp", "80", "rules[0].target")]
    [InlineData("allow", "host web1", "tcp", "80", "rules[0].target")]
    [InlineData("allow", "container web1", "sctp", "80", "rules[0].protocol")]
    public async Task Create_BadRule_ValidationProblemNamingField(string action, string target, string protocol, string port, string field)
    {
        using var client = fixture.CreateAdminClient();
        var response = await client.PostAsJsonAsync("/api/v1/profiles", new
        {
            name = "bad-rule",
            basePolicy = "deny-all",
            rules = new[] { new { action, target, protocol, ports = new[] { port } } },
        }, Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/profiles/bad-rule", Cancel), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("", "name")]
    [InlineData("two words", "name")]
    [InlineData("line\nbreak", "name")]
    public async Task Create_BadName_ValidationProblemNamingName(string name, string field)
    {
        using var client = fixture.CreateAdminClient();
        var response = await client.PostAsJsonAsync("/api/v1/profiles", new { name, basePolicy = "allow-all", rules = Array.Empty<object>() }, Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Create_UnknownBasePolicy_ValidationProblemNamingBasePolicy()
    {
        using var client = fixture.CreateAdminClient();
        var response = await client.PostAsJsonAsync("/api/v1/profiles", new { name = "bp", basePolicy = "allow-some" }, Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("basePolicy", out _));
    }

    [Fact]
    public async Task Update_CurrentETag_ReplacesRulesAndStaleETagRefused()
    {
        using var client = fixture.CreateAdminClient();
        var created = await CreateProfileAsync(client, "ops");
        var etag = created.Headers.ETag!.Tag;
        var body = new { basePolicy = "allow-all", rules = new[] { new { action = "deny", target = "service api", protocol = "udp", ports = new[] { "53" } } } };

        await ControllerFixture.ReadAsync(await UsersApiTests.PutAsync(client, "/api/v1/profiles/ops", body, null), (HttpStatusCode)428);
        var updated = await UsersApiTests.PutAsync(client, "/api/v1/profiles/ops", body, etag);
        var profile = await ControllerFixture.ReadAsync(updated, HttpStatusCode.OK);
        Assert.Equal("deny service api udp 53", Assert.Single(profile.GetProperty("rules").EnumerateArray()).GetProperty("text").GetString());
        await ControllerFixture.ReadAsync(await UsersApiTests.PutAsync(client, "/api/v1/profiles/ops", body, etag), HttpStatusCode.PreconditionFailed);
        await ControllerFixture.ReadAsync(await UsersApiTests.PutAsync(client, "/api/v1/profiles/ops", body, updated.Headers.ETag!.Tag), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Delete_InUse_ConflictThenDeletableWhenFree()
    {
        using var client = fixture.CreateAdminClient();
        await CreateProfileAsync(client, "in-use");
        await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name = "henry", email = "henry@example.com", profile = "in-use" }, Cancel), HttpStatusCode.Created);
        await ControllerFixture.ReadAsync(await client.DeleteAsync("/api/v1/profiles/in-use", Cancel), HttpStatusCode.Conflict);
        await ControllerFixture.ReadAsync(await client.DeleteAsync("/api/v1/users/henry", Cancel), HttpStatusCode.NoContent);
        await ControllerFixture.ReadAsync(await client.DeleteAsync("/api/v1/profiles/in-use", Cancel), HttpStatusCode.NoContent);
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/profiles/in-use", Cancel), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_DuplicateName_Conflict()
    {
        using var client = fixture.CreateAdminClient();
        await CreateProfileAsync(client, "twice");
        var again = await client.PostAsJsonAsync("/api/v1/profiles", new { name = "TWICE", basePolicy = "deny-all" }, Cancel);
        await ControllerFixture.ReadAsync(again, HttpStatusCode.Conflict);
    }

    internal static async Task<HttpResponseMessage> CreateProfileAsync(HttpClient client, string name, bool ignoreConflict = false)
    {
        var response = await client.PostAsJsonAsync("/api/v1/profiles", new
        {
            name,
            basePolicy = "deny-all",
            rules = new[] { new { action = "allow", target = "container web1", protocol = "tcp", ports = new[] { "80" } } },
        }, Cancel);
        if (!(ignoreConflict && response.StatusCode == HttpStatusCode.Conflict))
        {
            await ControllerFixture.ReadAsync(response, HttpStatusCode.Created);
        }

        return response;
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteProfilesApiTests(SqliteControllerFixture fixture) : ProfilesApiTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresProfilesApiTests(PostgresControllerFixture fixture) : ProfilesApiTests(fixture);
