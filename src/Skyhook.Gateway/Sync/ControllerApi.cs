using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Host;

namespace Skyhook.Gateway.Sync;

/// <summary>
/// The gateway side of the contract in Skyhook.Core/Contracts: enrolment, the desired state by long
/// poll, heartbeats, login decisions and telemetry batches. Every call is pinned to the controller's certificate and
/// carries the contract version; every failure becomes a <see cref="ControllerApiException"/> with
/// one clear line (the problem details' title when the controller sent one).
/// </summary>
public sealed class ControllerApi : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A heartbeat that hangs would hide the next ones; it is status, so a late one is worthless.
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(10);

    // A batch that hangs holds up every event behind it; it is sent again (and deduplicated) anyway.
    private static readonly TimeSpan EventsTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;

    public ControllerApi(ControllerEndpoint endpoint, string? credential, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        _http = endpoint.CreateClient(timeout);
        if (credential is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }
    }

    public ControllerEndpoint Endpoint { get; }

    public async Task<EnrollmentResponse> EnrollAsync(EnrollmentRequest request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "api/v1/gateway/enroll") { Content = JsonContent.Create(request, options: Json) }, null, cancellationToken);
        return await ReadAsync<EnrollmentResponse>(response, cancellationToken);
    }

    /// <summary>The desired state when its revision differs from <paramref name="after"/>; null when the controller answered 304 (nothing new within its long-poll timeout).</summary>
    public async Task<DesiredState?> GetConfigAsync(long? after, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = after is { } revision ? "api/v1/gateway/config?after=" + revision.ToString(System.Globalization.CultureInfo.InvariantCulture) : "api/v1/gateway/config";
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), timeout, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return null;
        }
        return await ReadAsync<DesiredState>(response, cancellationToken);
    }

    public async Task SendHeartbeatAsync(Heartbeat heartbeat, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "api/v1/gateway/heartbeat") { Content = JsonContent.Create(heartbeat, options: Json) }, HeartbeatTimeout, cancellationToken);
    }

    /// <summary>POST /api/v1/gateway/events: the controller's answer is the highest sequence it holds of this gateway.</summary>
    public async Task<TelemetryAck> SendEventsAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "api/v1/gateway/events") { Content = JsonContent.Create(batch, options: Json) }, EventsTimeout, cancellationToken);
        return await ReadAsync<TelemetryAck>(response, cancellationToken);
    }

    public async Task<VpnAuthDecision> AuthorizeAsync(VpnAuthRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "api/v1/gateway/auth") { Content = JsonContent.Create(request, options: Json) }, timeout, cancellationToken);
        return await ReadAsync<VpnAuthDecision>(response, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t)
        {
            limit.CancelAfter(t);
        }
        using var request = create();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ControllerApiException($"the controller at {Endpoint.BaseAddress} did not answer in time", null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ControllerApiException(Describe(ex), null, ex);
        }
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified)
        {
            return response;
        }
        using (response)
        {
            var detail = await ProblemTextAsync(response, cancellationToken);
            throw new ControllerApiException(
                $"the controller refused {request.Method} /{request.RequestUri}: {(int)response.StatusCode} {detail}".TrimEnd(),
                response.StatusCode);
        }
    }

    private string Describe(HttpRequestException ex)
    {
        for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                return $"the controller at {Endpoint.BaseAddress} did not show the certificate with fingerprint {Endpoint.FingerprintText}: refusing to talk to it (a wrong fingerprint, or someone in between)";
            }
        }
        return $"cannot reach the controller at {Endpoint.BaseAddress}: {ex.Message}";
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new ControllerApiException($"the controller sent an empty {typeof(T).Name}", response.StatusCode);
        }
        catch (JsonException ex)
        {
            throw new ControllerApiException($"the controller sent a {typeof(T).Name} that is not valid JSON: {ex.Message}", response.StatusCode, ex);
        }
    }

    private static async Task<string> ProblemTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length == 0)
            {
                return response.ReasonPhrase ?? "";
            }
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var parts = new List<string>();
            foreach (var name in new[] { "title", "detail" })
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s)
                {
                    parts.Add(s);
                }
            }
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    parts.Add(field.Name + ": " + string.Join(" ", field.Value.EnumerateArray().Select(e => e.GetString())));
                }
            }
            var joined = string.Join(" ", parts);
            return joined.Length > 500 ? joined[..500] : joined;
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}
