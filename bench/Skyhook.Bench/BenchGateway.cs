using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;
using Skyhook.Core.Pki;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Sync;
using Skyhook.Lab.Controller;

namespace Skyhook.Bench;

/// <summary>
/// A gateway enrolled as a real one is: added to a group through the admin API, then
/// <c>POST /api/v1/gateway/enroll</c> with its join token and a CSR. Holds its bearer credential.
/// </summary>
public sealed record BenchGateway(string Name, string Credential, Cidr ClientBlock)
{
    /// <summary>Adds gateway <paramref name="name"/> to <paramref name="group"/> (which must exist) and enrols it.</summary>
    public static async Task<BenchGateway> EnrollAsync(LabAdmin admin, string controllerUrl, string group, string name, CancellationToken cancellationToken)
    {
        var added = await admin.PostAsync($"/api/v1/groups/{group}/gateways", new { name, publicEndpoint = "198.51.100.11" }, cancellationToken);
        var clientBlock = Cidr.Parse(added.GetProperty("gateway").GetProperty("clientBlock").GetString()!);
        using var http = Client(controllerUrl);
        var enrolment = new EnrollmentRequest(added.GetProperty("joinToken").GetString()!, name, "198.51.100.11", CertificateAuthority.CreateServerRequest(name).SigningRequestPem);
        using var response = await http.PostAsJsonAsync("/api/v1/gateway/enroll", enrolment, cancellationToken);
        response.EnsureSuccessStatusCode();
        var credential = (await response.Content.ReadFromJsonAsync<EnrollmentResponse>(cancellationToken))!.Credential;
        return new BenchGateway(name, credential, clientBlock);
    }

    /// <summary>A plain client of the gateway-facing API with this gateway's credential and the contract version.</summary>
    public HttpClient CreateHttpClient(string controllerUrl)
    {
        var http = Client(controllerUrl);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Credential);
        return http;
    }

    /// <summary>The gateway's own <see cref="ControllerApi"/>, made as GatewayHostExtensions makes it (no client-wide timeout; each call brings its own).</summary>
    public ControllerApi CreateApi(string controllerUrl)
    {
        // http:// to loopback needs no pin; the fingerprint is only checked on https.
        if (!ControllerEndpoint.TryCreate(controllerUrl, ControllerEndpoint.FingerprintPrefix + new string('0', 64), allowInsecureHttp: false, out var endpoint, out var error))
        {
            throw new InvalidOperationException(error);
        }
        return new ControllerApi(endpoint, Credential, Timeout.InfiniteTimeSpan);
    }

    private static HttpClient Client(string controllerUrl)
    {
        var http = new HttpClient { BaseAddress = new Uri(controllerUrl) };
        http.DefaultRequestHeaders.Add(ContractVersion.Header, ContractVersion.Current.ToString(CultureInfo.InvariantCulture));
        return http;
    }
}
