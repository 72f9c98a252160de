using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Skyhook.Core.Contracts;
using Skyhook.Core.Identity;
using Skyhook.Core.Pki;

namespace Skyhook.Controller.Tests;

/// <summary>Steps the gateway tests share: groups, gateways, enrolment, VPN users; every secret goes to the fixture's registry.</summary>
public static class Gateways
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public const string SwarmToken = "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx";

    public static async Task<JsonElement> CreateGroupAsync(HttpClient admin, string name, string clientPool = "192.168.43.0/24", int blockPrefix = 24, int sessionLifetimeSeconds = 43200)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/groups", new
        {
            name,
            transport = "udp",
            port = 1194,
            tunnelMode = "split",
            additionalCidrs = new[] { "172.20.0.0/24" },
            nameservers = new[] { "10.0.0.2" },
            searchDomains = new[] { "apps.internal" },
            clientPool,
            clientBlockPrefixLength = blockPrefix,
            sessionLifetimeSeconds,
            overlays = new[] { new { name = "multi-host-overlay", subnet = "10.0.0.0/16", enabled = true, join = new { managerAddress = "172.31.0.11:2377", joinToken = SwarmToken } } },
        }, Cancel);
        return await ControllerFixture.ReadAsync(response, HttpStatusCode.Created);
    }

    /// <summary>
    /// Edits a group as a client would: reads it, writes its view back (join tokens stay <c>***</c>)
    /// with <c>hideUnreachableNames</c> set, or left out when null; returns the updated group.
    /// </summary>
    public static async Task<JsonElement> PutGroupAsync(HttpClient admin, string name, bool? hideUnreachableNames)
    {
        var read = await admin.GetAsync($"/api/v1/groups/{name}", Cancel);
        var current = await ControllerFixture.ReadAsync(read, HttpStatusCode.OK);
        var body = current.EnumerateObject()
            .Where(p => p.Name is not ("createdAt" or "updatedAt" or "hideUnreachableNames"))
            .ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        if (hideUnreachableNames is { } hide)
        {
            body["hideUnreachableNames"] = hide;
        }

        return await ControllerFixture.ReadAsync(await UsersApiTests.PutAsync(admin, $"/api/v1/groups/{name}", body, read.Headers.ETag!.Tag), HttpStatusCode.OK);
    }

    /// <summary>Adds a pending gateway; returns the response body and its join token.</summary>
    public static async Task<(JsonElement Body, string JoinToken)> AddGatewayAsync(ControllerFixture fixture, HttpClient admin, string group, string name, string endpoint)
    {
        var body = await ControllerFixture.ReadAsync(
            await admin.PostAsJsonAsync($"/api/v1/groups/{group}/gateways", new { name, publicEndpoint = endpoint }, Cancel), HttpStatusCode.Created);
        var token = body.GetProperty("joinToken").GetString()!;
        fixture.Secrets.Add(token);
        return (body, token);
    }

    public static async Task<HttpResponseMessage> PostEnrolAsync(ControllerFixture fixture, string token, string name)
    {
        var (_, csr) = CertificateAuthority.CreateServerRequest(name);
        using var anonymous = GatewayClient(fixture, null);
        return await anonymous.PostAsJsonAsync("/api/v1/gateway/enroll", new EnrollmentRequest(token, name, name + ".example.net", csr), Cancel);
    }

    public static async Task<EnrollmentResponse> EnrolAsync(ControllerFixture fixture, string token, string name)
    {
        var body = await ControllerFixture.ReadAsync(await PostEnrolAsync(fixture, token, name), HttpStatusCode.OK);
        var response = body.Deserialize<EnrollmentResponse>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        fixture.Secrets.Add(response.Credential);
        return response;
    }

    /// <summary>Adds and enrols a gateway; returns its enrolment and a client holding its credential.</summary>
    public static async Task<(EnrollmentResponse Enrolment, HttpClient Client)> AddAndEnrolAsync(ControllerFixture fixture, HttpClient admin, string group, string name)
    {
        var (_, token) = await AddGatewayAsync(fixture, admin, group, name, name + ".example.net");
        var enrolment = await EnrolAsync(fixture, token, name);
        return (enrolment, GatewayClient(fixture, enrolment.Credential));
    }

    /// <summary>A client as a gateway makes it: the contract header, and the credential when given.</summary>
    public static HttpClient GatewayClient(ControllerFixture fixture, string? credential)
    {
        var client = fixture.CreateClient(credential);
        client.DefaultRequestHeaders.Add(ContractVersion.Header, ContractVersion.Current.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return client;
    }

    /// <summary>A VPN user with a profile, a password and confirmed MFA; returns the TOTP secret.</summary>
    public static async Task<byte[]> CreateVpnUserAsync(ControllerFixture fixture, HttpClient admin, string name, string password, string profile)
    {
        fixture.Secrets.Add(password);
        await ProfilesApiTests.CreateProfileAsync(admin, profile, ignoreConflict: true);
        await ControllerFixture.ReadAsync(await admin.PostAsJsonAsync("/api/v1/users", new { name, email = $"{name}@example.com", profile, password }, Cancel), HttpStatusCode.Created);
        var enrolment = await ControllerFixture.ReadAsync(await admin.PostAsync($"/api/v1/users/{name}/mfa", null, Cancel), HttpStatusCode.OK);
        var secretText = enrolment.GetProperty("secret").GetString()!;
        fixture.Secrets.Add(secretText);
        fixture.Secrets.Add(enrolment.GetProperty("otpAuthUri").GetString()!);
        var secret = Base32.Decode(secretText);
        await ControllerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{name}/mfa/confirm", new { code = fixture.NextCode(secret) }, Cancel), HttpStatusCode.OK);
        return secret;
    }

    public static async Task<VpnAuthDecision> AuthAsync(ControllerFixture fixture, HttpClient gateway, VpnAuthRequest request)
    {
        var body = await ControllerFixture.ReadAsync(await gateway.PostAsJsonAsync("/api/v1/gateway/auth", request, Cancel), HttpStatusCode.OK);
        var decision = body.Deserialize<VpnAuthDecision>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        if (decision.SessionToken is { } token)
        {
            fixture.Secrets.Add(token);
        }

        return decision;
    }

    public static async Task<DesiredState> ConfigAsync(HttpClient gateway, long? after = null)
    {
        var response = await gateway.GetAsync(after is null ? "/api/v1/gateway/config" : $"/api/v1/gateway/config?after={after}", Cancel);
        var body = await ControllerFixture.ReadAsync(response, HttpStatusCode.OK);
        return body.Deserialize<DesiredState>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }
}
