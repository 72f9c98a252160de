using System.Net;
using System.Text;

namespace Skyhook.Controller.Tests;

/// <summary>Bodies that are not what an endpoint takes: always a 4xx problem, never a 500.</summary>
public abstract class BadInputTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("{\"name\": \"x\",", "body")]
    [InlineData("not json", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("{\"name\":\"zed\",\"email\":\"z@example.com\",\"profile\":\"p\",\"isAdmin\":true}", "isAdmin")]
    [InlineData("{\"name\":\"zed\",\"name\":\"zed2\",\"email\":\"z@example.com\"}", "name")]
    [InlineData("{\"name\":42}", "name")]
    [InlineData("{\"name\":\"zed\",\"admin\":\"yes\"}", "admin")]
    public async Task Post_MalformedOrUnknownFields_BadRequestNamingField(string json, string field)
    {
        using var client = fixture.CreateAdminClient();
        var response = await client.PostAsync("/api/v1/users", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/users/zed", Cancel), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Post_EmptyBody_BadRequestProblem()
    {
        using var client = fixture.CreateAdminClient();
        var response = await client.PostAsync("/api/v1/profiles", new StringContent(string.Empty, Encoding.UTF8, "application/json"), Cancel);
        await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Post_NestedUnknownField_BadRequestNamingPath()
    {
        using var client = fixture.CreateAdminClient();
        var json = "{\"name\":\"nested\",\"basePolicy\":\"deny-all\",\"rules\":[{\"action\":\"allow\",\"target\":\"container a\",\"protocol\":\"all\",\"comment\":\"x\"}]}";
        var response = await client.PostAsync("/api/v1/profiles", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("rules[0].comment", out _), problem.GetRawText());
    }

    [Fact]
    public async Task Post_HugeBody_PayloadTooLarge()
    {
        using var client = fixture.CreateAdminClient();
        var json = "{\"name\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        var response = await client.PostAsync("/api/v1/users", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        await ControllerFixture.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Post_HugeChunkedBody_PayloadTooLarge()
    {
        using var client = fixture.CreateAdminClient();
        var json = Encoding.UTF8.GetBytes("{\"name\":\"" + new string('a', 2 * 1024 * 1024) + "\"}");
        var content = new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/profiles") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await client.SendAsync(request, Cancel);
        await ControllerFixture.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Post_UnauthenticatedHugeBody_UnauthorizedBeforeReading()
    {
        using var client = fixture.CreateClient();
        var json = "{\"name\":\"" + new string('a', 1000) + "\"}";
        var response = await client.PostAsync("/api/v1/users", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        await ControllerFixture.ReadAsync(response, HttpStatusCode.Unauthorized);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteBadInputTests(SqliteControllerFixture fixture) : BadInputTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresBadInputTests(PostgresControllerFixture fixture) : BadInputTests(fixture);
