using System.Net;
using System.Net.Http.Json;

namespace Skyhook.Controller.Tests;

public abstract class AccessCheckTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<HttpClient> ArrangeAsync()
    {
        var client = fixture.CreateAdminClient();
        var profile = await client.PostAsJsonAsync("/api/v1/profiles", new
        {
            name = "payments-devs",
            basePolicy = "deny-all",
            rules = new object[]
            {
                new { action = "deny", target = "container web1", protocol = "tcp", ports = new[] { "22" } },
                new { action = "allow", target = "label team=payments", protocol = "tcp", ports = new[] { "80", "443" } },
            },
        }, Cancel);
        if (profile.StatusCode != HttpStatusCode.Conflict)
        {
            await ControllerFixture.ReadAsync(profile, HttpStatusCode.Created);
            await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name = "ivy", email = "ivy@example.com", profile = "payments-devs" }, Cancel), HttpStatusCode.Created);
        }

        return client;
    }

    [Fact]
    public async Task Check_LabelRuleMatches_AllowWithRuleAndExplanation()
    {
        using var client = await ArrangeAsync();
        var response = await client.PostAsJsonAsync("/api/v1/access/check", new
        {
            user = "ivy",
            destination = "10.0.0.12",
            protocol = "tcp",
            port = 443,
            container = new { name = "web1", service = (string?)null, labels = new Dictionary<string, string> { ["team"] = "payments" }, networks = new[] { "multi-host-overlay" } },
        }, Cancel);
        var verdict = await ControllerFixture.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("allow", verdict.GetProperty("verdict").GetString());
        Assert.Equal(2, verdict.GetProperty("ruleNumber").GetInt32());
        Assert.Equal("allow label team=payments tcp 80,443", verdict.GetProperty("rule").GetString());
        Assert.Contains("team=payments", verdict.GetProperty("explanation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_FirstRuleDenies_DenyWithRuleOne()
    {
        using var client = await ArrangeAsync();
        var response = await client.PostAsJsonAsync("/api/v1/access/check", new
        {
            user = "ivy",
            destination = "10.0.0.12",
            protocol = "tcp",
            port = 22,
            container = new { name = "web1", labels = new Dictionary<string, string> { ["team"] = "payments" } },
        }, Cancel);
        var verdict = await ControllerFixture.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("deny", verdict.GetProperty("verdict").GetString());
        Assert.Equal(1, verdict.GetProperty("ruleNumber").GetInt32());
    }

    [Fact]
    public async Task Check_NoRuleMatches_BasePolicyDecides()
    {
        using var client = await ArrangeAsync();
        var response = await client.PostAsJsonAsync("/api/v1/access/check", new { user = "ivy", destination = "10.0.9.9", protocol = "icmp" }, Cancel);
        var verdict = await ControllerFixture.ReadAsync(response, HttpStatusCode.OK);
        Assert.False(verdict.GetProperty("allowed").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, verdict.GetProperty("ruleNumber").ValueKind);
        Assert.Contains("base policy deny-all", verdict.GetProperty("explanation").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nobody", "10.0.0.1", "tcp", 80, "user")]
    [InlineData("ivy", "10.0.0.300", "tcp", 80, "destination")]
    [InlineData("ivy", "10.0.0.1", "sctp", 80, "protocol")]
    [InlineData("ivy", "10.0.0.1", "all", 80, "protocol")]
    [InlineData("ivy", "10.0.0.1", "tcp", 0, "port")]
    [InlineData("ivy", "10.0.0.1", "tcp", 70000, "port")]
    [InlineData("ivy", "10.0.0.1", "icmp", 80, "port")]
    public async Task Check_BadInput_ValidationProblemNamingField(string user, string destination, string protocol, int port, string field)
    {
        using var client = await ArrangeAsync();
        var response = await client.PostAsJsonAsync("/api/v1/access/check", new { user, destination, protocol, port }, Cancel);
        var problem = await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAccessCheckTests(SqliteControllerFixture fixture) : AccessCheckTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAccessCheckTests(PostgresControllerFixture fixture) : AccessCheckTests(fixture);
