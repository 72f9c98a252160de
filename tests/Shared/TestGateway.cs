using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Skyhook.Core.Contracts;
using Skyhook.Core.Pki;

namespace Skyhook.Tests.Shared;

/// <summary>
/// A gateway as the browser and CLI tests play it over HTTP: enrolled with a join token (its own
/// key's signing request, as <c>skyhook-gateway join</c> sends it), then calling the gateway API with
/// its credential, such as posting event batches numbered as the gateway numbers them.
/// </summary>
public sealed class TestGateway : IDisposable
{
    private long _sequence;

    private TestGateway(HttpClient http) => Http = http;

    /// <summary>A client with the contract header and the gateway's credential.</summary>
    public HttpClient Http { get; }

    public static async Task<TestGateway> EnrolAsync(string url, string joinToken, string name, string publicEndpoint, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Add(ContractVersion.Header, ContractVersion.Current.ToString(CultureInfo.InvariantCulture));
        var request = new EnrollmentRequest(joinToken, name, publicEndpoint, CertificateAuthority.CreateServerRequest(name).SigningRequestPem);
        using var response = await http.PostAsJsonAsync("/api/v1/gateway/enroll", request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            http.Dispose();
            throw new InvalidOperationException($"enrolling {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var enrolment = (await response.Content.ReadFromJsonAsync<EnrollmentResponse>(cancellationToken))!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", enrolment.Credential);
        return new TestGateway(http);
    }

    /// <summary>Posts the events as one batch, each given the gateway's next sequence number.</summary>
    public async Task PostEventsAsync(IEnumerable<TelemetryEvent> events, CancellationToken cancellationToken)
    {
        var numbered = events.Select(e => e with { Sequence = Interlocked.Increment(ref _sequence) }).ToList();
        using var response = await Http.PostAsJsonAsync("/api/v1/gateway/events", new TelemetryBatch(numbered), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"posting events: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public void Dispose() => Http.Dispose();
}
