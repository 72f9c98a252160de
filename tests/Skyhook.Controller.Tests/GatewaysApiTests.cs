using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Skyhook.Core.Contracts;
using Skyhook.Core.Pki;

namespace Skyhook.Controller.Tests;

public abstract class GatewaysApiTests(ControllerFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Add_Gateway_PendingWithClientBlockAndPinnedJoinCommand()
    {
        using var client = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(client, "gw-add", clientPool: "192.168.40.0/22", blockPrefix: 24);
        var (first, token) = await Gateways.AddGatewayAsync(fixture, client, "gw-add", "gw-add-1", "198.51.100.11");
        var (second, _) = await Gateways.AddGatewayAsync(fixture, client, "gw-add", "gw-add-2", "198.51.100.12");
        Assert.Equal("192.168.40.0/24", first.GetProperty("gateway").GetProperty("clientBlock").GetString());
        Assert.Equal("192.168.41.0/24", second.GetProperty("gateway").GetProperty("clientBlock").GetString());
        Assert.Equal("pending", first.GetProperty("gateway").GetProperty("status").GetString());
        Assert.StartsWith("skyhook_join_", token, StringComparison.Ordinal);

        // The command pins the certificate the controller generated into its data directory.
        var certificatePath = Path.Combine(fixture.DataDirectory, "tls", "controller.crt");
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificatePath, Cancel));
        var fingerprint = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
        Assert.Equal($"skyhook-gateway join http://localhost {token} --fingerprint {fingerprint}", first.GetProperty("joinCommand").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(fixture.DataDirectory, "tls", "controller.key")));
        Assert.IsType<ECDsa>(certificate.GetECDsaPublicKey(), exactMatch: false);

        var listed = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/gateways?group=gw-add", Cancel), HttpStatusCode.OK);
        Assert.Equal(["gw-add-1", "gw-add-2"], listed.EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        Assert.DoesNotContain(token, listed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_PoolFull_ConflictNamingPool()
    {
        using var client = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(client, "gw-full", clientPool: "192.168.50.0/24", blockPrefix: 25);
        await Gateways.AddGatewayAsync(fixture, client, "gw-full", "gw-full-1", "198.51.100.21");
        await Gateways.AddGatewayAsync(fixture, client, "gw-full", "gw-full-2", "198.51.100.22");
        var third = await client.PostAsJsonAsync("/api/v1/groups/gw-full/gateways", new { name = "gw-full-3", publicEndpoint = "198.51.100.23" }, Cancel);
        var problem = await ControllerFixture.ReadAsync(third, HttpStatusCode.Conflict);
        Assert.Contains("192.168.50.0/24", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/gateways/gw-full-3", Cancel), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Add_BadNameOrEndpoint_ValidationProblem()
    {
        using var client = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(client, "gw-bad");
        var response = await client.PostAsJsonAsync("/api/v1/groups/gw-bad/gateways", new { name = "gw\nbad", publicEndpoint = "host name; rm" }, Cancel);
        var errors = (await ControllerFixture.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("publicEndpoint", out _));
        var duplicate = await client.PostAsJsonAsync("/api/v1/groups/gw-bad/gateways", new { name = "gw-bad-1", publicEndpoint = "gw.example.net" }, Cancel);
        await ControllerFixture.ReadAsync(duplicate, HttpStatusCode.Created);
        await ControllerFixture.ReadAsync(await client.PostAsJsonAsync("/api/v1/groups/gw-bad/gateways", new { name = "GW-BAD-1", publicEndpoint = "gw.example.net" }, Cancel), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Enrol_CsrFromGateway_CertificateChainsToCaWithGatewayName()
    {
        using var client = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(client, "gw-enrol");
        var (_, token) = await Gateways.AddGatewayAsync(fixture, client, "gw-enrol", "gw-enrol-1", "198.51.100.31");
        var enrolment = await Gateways.EnrolAsync(fixture, token, "gw-enrol-1");
        Assert.Equal("gw-enrol", enrolment.Group);
        Assert.StartsWith("skyhook_gw_", enrolment.Credential, StringComparison.Ordinal);

        using var ca = X509Certificate2.CreateFromPem(enrolment.CaCertificatePem);
        using var server = X509Certificate2.CreateFromPem(enrolment.ServerCertificatePem);
        Assert.Equal("gw-enrol-1", server.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = fixture.Time.GetUtcNow().UtcDateTime;
        Assert.True(chain.Build(server), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));

        var listed = await ControllerFixture.ReadAsync(await client.GetAsync("/api/v1/gateways/gw-enrol-1", Cancel), HttpStatusCode.OK);
        Assert.Equal("offline", listed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Enrol_TokenReusedWrongOrExpired_Unauthorized()
    {
        using var client = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(client, "gw-once", clientPool: "192.168.60.0/23");
        var (_, token) = await Gateways.AddGatewayAsync(fixture, client, "gw-once", "gw-once-1", "198.51.100.41");
        await Gateways.EnrolAsync(fixture, token, "gw-once-1");
        var again = await ControllerFixture.ReadAsync(await Gateways.PostEnrolAsync(fixture, token, "gw-once-1"), HttpStatusCode.Unauthorized);
        var wrong = await ControllerFixture.ReadAsync(await Gateways.PostEnrolAsync(fixture, token + "x", "gw-once-1"), HttpStatusCode.Unauthorized);
        Assert.Equal(again.GetProperty("title").GetString(), wrong.GetProperty("title").GetString());

        var (_, late) = await Gateways.AddGatewayAsync(fixture, client, "gw-once", "gw-once-2", "198.51.100.42");
        fixture.Time.Advance(TimeSpan.FromHours(25));
        var expired = await ControllerFixture.ReadAsync(await Gateways.PostEnrolAsync(fixture, late, "gw-once-2"), HttpStatusCode.Unauthorized);
        Assert.Equal(again.GetProperty("title").GetString(), expired.GetProperty("title").GetString());

        // A renewed token works, and the old one stays dead.
        var renewed = await ControllerFixture.ReadAsync(await client.PostAsync("/api/v1/gateways/gw-once-2/join-token", null, Cancel), HttpStatusCode.OK);
        var fresh = renewed.GetProperty("joinToken").GetString()!;
        fixture.Secrets.Add(fresh);
        await ControllerFixture.ReadAsync(await Gateways.PostEnrolAsync(fixture, late, "gw-once-2"), HttpStatusCode.Unauthorized);
        await Gateways.EnrolAsync(fixture, fresh, "gw-once-2");
    }

    [Fact]
    public async Task Enrol_SameTokenRacing_ExactlyOneSucceeds()
    {
        using var client = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(client, "gw-race");
        var (_, token) = await Gateways.AddGatewayAsync(fixture, client, "gw-race", "gw-race-1", "198.51.100.61");
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Gateways.PostEnrolAsync(fixture, token, "gw-race-1")));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
        {
            fixture.Secrets.Add((await ControllerFixture.ReadAsync(response, HttpStatusCode.OK)).GetProperty("credential").GetString()!);
        }
    }

    [Fact]
    public async Task Enrol_MalformedCsr_BadRequestAndTokenStillUsable()
    {
        using var client = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(client, "gw-csr");
        var (_, token) = await Gateways.AddGatewayAsync(fixture, client, "gw-csr", "gw-csr-1", "198.51.100.51");
        using var anonymous = Gateways.GatewayClient(fixture, null);
        var bad = await anonymous.PostAsJsonAsync("/api/v1/gateway/enroll", new EnrollmentRequest(token, "gw-csr-1", "gw", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"), Cancel);
        var errors = (await ControllerFixture.ReadAsync(bad, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("signingRequestPem", out _));
        var other = await anonymous.PostAsJsonAsync("/api/v1/gateway/enroll", new EnrollmentRequest(token, "someone-else", "gw", CertificateAuthority.CreateServerRequest("x").SigningRequestPem), Cancel);
        Assert.True((await ControllerFixture.ReadAsync(other, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("name", out _));
        await Gateways.EnrolAsync(fixture, token, "gw-csr-1");
    }

    [Fact]
    public async Task Credentials_EachOnlyOnItsOwnApi()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "gw-scheme");
        var (enrolment, gateway) = await Gateways.AddAndEnrolAsync(fixture, admin, "gw-scheme", "gw-scheme-1");
        using (gateway)
        {
            await Gateways.ConfigAsync(gateway);
            await ControllerFixture.ReadAsync(await gateway.GetAsync("/api/v1/users", Cancel), HttpStatusCode.Unauthorized);
            await ControllerFixture.ReadAsync(await gateway.GetAsync("/api/v1/gateways", Cancel), HttpStatusCode.Unauthorized);
        }

        using var adminAsGateway = Gateways.GatewayClient(fixture, fixture.AdminToken);
        await ControllerFixture.ReadAsync(await adminAsGateway.GetAsync("/api/v1/gateway/config", Cancel), HttpStatusCode.Unauthorized);
        await ControllerFixture.ReadAsync(await adminAsGateway.PostAsJsonAsync("/api/v1/gateway/heartbeat", new Heartbeat(1, "", null, 0, "x"), Cancel), HttpStatusCode.Unauthorized);

        // Removing the gateway revokes its credential.
        await ControllerFixture.ReadAsync(await admin.DeleteAsync("/api/v1/gateways/gw-scheme-1", Cancel), HttpStatusCode.NoContent);
        using var removed = Gateways.GatewayClient(fixture, enrolment.Credential);
        await ControllerFixture.ReadAsync(await removed.GetAsync("/api/v1/gateway/config", Cancel), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GatewayCall_WithoutContractHeader_BadRequestNamingVersion()
    {
        using var admin = fixture.CreateAdminClient();
        await Gateways.CreateGroupAsync(admin, "gw-contract");
        var (enrolment, gateway) = await Gateways.AddAndEnrolAsync(fixture, admin, "gw-contract", "gw-contract-1");
        gateway.Dispose();
        using var bare = fixture.CreateClient(enrolment.Credential);
        var problem = await ControllerFixture.ReadAsync(await bare.GetAsync("/api/v1/gateway/config", Cancel), HttpStatusCode.BadRequest);
        Assert.Contains(ContractVersion.Header, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteGatewaysApiTests(SqliteControllerFixture fixture) : GatewaysApiTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresGatewaysApiTests(PostgresControllerFixture fixture) : GatewaysApiTests(fixture);
