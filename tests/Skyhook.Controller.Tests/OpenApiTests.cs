using System.Net;
using System.Text;
using System.Text.Json;

namespace Skyhook.Controller.Tests;

public abstract class OpenApiTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly HashSet<string> Anonymous = new(StringComparer.Ordinal)
    {
        "POST /api/v1/setup",
        "POST /api/v1/setup/confirm",
        "POST /api/v1/auth/login",
        "POST /api/v1/gateway/enroll",
    };

    [Fact]
    public async Task EveryOperation_Unauthenticated_Unauthorized()
    {
        using var client = fixture.CreateClient();
        var document = await ControllerFixture.ReadAsync(await client.GetAsync("/openapi/v1.json", Cancel), HttpStatusCode.OK);
        var checkedOperations = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = operation.Name.ToUpperInvariant();
                var key = $"{method} {path.Name}";
                var declaresBearer = operation.Value.TryGetProperty("security", out var security) && security.GetArrayLength() > 0;
                Assert.True(declaresBearer != Anonymous.Contains(key), $"{key}: the document's security requirement does not match its access.");
                if (Anonymous.Contains(key) || method is "PARAMETERS" or "SUMMARY" or "DESCRIPTION")
                {
                    continue;
                }

                var url = System.Text.RegularExpressions.Regex.Replace(path.Name, "\\{[^}]+\\}", "1");
                var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                var response = await client.SendAsync(request, Cancel);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{key} answered {response.StatusCode} without a credential.");
                checkedOperations.Add(key);
            }
        }

        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());

        // The walk must have covered the API, not an empty or truncated document.
        Assert.Contains("GET /api/v1/users", checkedOperations);
        Assert.Contains("PUT /api/v1/profiles/{name}", checkedOperations);
        Assert.Contains("POST /api/v1/access/check", checkedOperations);
        Assert.Contains("GET /api/v1/audit", checkedOperations);
        Assert.Contains("DELETE /api/v1/auth/tokens/{id}", checkedOperations);
        Assert.Contains("PUT /api/v1/groups/{name}", checkedOperations);
        Assert.Contains("POST /api/v1/groups/{group}/gateways", checkedOperations);
        Assert.Contains("GET /api/v1/gateways", checkedOperations);
        Assert.Contains("GET /api/v1/users/{name}/vpn-profile", checkedOperations);
        Assert.Contains("GET /api/v1/gateway/config", checkedOperations);
        Assert.Contains("POST /api/v1/gateway/auth", checkedOperations);
        Assert.Contains("POST /api/v1/gateway/heartbeat", checkedOperations);
        Assert.All(Anonymous, a => Assert.Contains(a, document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}"))));
    }

    [Fact]
    public async Task Health_Unauthenticated_Ok()
    {
        using var client = fixture.CreateClient();
        await ControllerFixture.ReadAsync(await client.GetAsync("/healthz", Cancel), HttpStatusCode.OK);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteOpenApiTests(SqliteControllerFixture fixture) : OpenApiTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresOpenApiTests(PostgresControllerFixture fixture) : OpenApiTests(fixture);
