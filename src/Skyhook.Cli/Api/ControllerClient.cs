using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Skyhook.Cli.Api;

/// <summary>The controller's REST API from the terminal. Problem details become one readable message.</summary>
public sealed class ControllerClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public ControllerClient(string controller, string? token, HttpMessageHandler? handler = null)
    {
        if (!Uri.TryCreate(controller, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new ApiException($"--controller '{controller}' is not an http(s) URL such as https://controller.example.com:8443");
        }
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = baseAddress;
        _http.Timeout = TimeSpan.FromSeconds(30);
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>From the saved configuration (or the environment); fails when nobody has logged in.</summary>
    public static ControllerClient FromConfig(string? controllerOverride)
    {
        var config = CliConfig.Load();
        var controller = controllerOverride ?? config.Controller
            ?? throw new ApiException("no controller: run `skyhook login --controller URL ...` first, or set SKYHOOK_CONTROLLER");
        if (config.Token is null)
        {
            throw new ApiException("not logged in: run `skyhook login` first, or set SKYHOOK_TOKEN");
        }
        return new ControllerClient(controller, config.Token);
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    /// <summary>A non-JSON resource, such as a `.ovpn` profile.</summary>
    public Task<string> GetTextAsync(string path, CancellationToken cancellationToken) =>
        SendForTextAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) }, cancellationToken);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken);

    /// <summary>Reads the resource for its ETag, then sends <paramref name="method"/> with If-Match, so a concurrent change is never overwritten.</summary>
    public async Task<JsonElement> SendIfMatchAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var read = await _http.GetAsync(path, cancellationToken);
        await ThrowIfFailedAsync(read, cancellationToken);
        var request = new HttpRequestMessage(method, path);
        if (read.Headers.ETag is { } etag)
        {
            request.Headers.IfMatch.Add(etag);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }
        return await SendAsync(request, cancellationToken);
    }

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = await SendForTextAsync(request, cancellationToken);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<string> SendForTextAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw new ApiException($"cannot reach the controller at {_http.BaseAddress}: {ex.Message}");
            }
            using (response)
            {
                await ThrowIfFailedAsync(response, cancellationToken);
                return await response.Content.ReadAsStringAsync(cancellationToken);
            }
        }
    }

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new ApiException(DescribeProblem((int)response.StatusCode, text));
    }

    /// <summary>"title" then one line per field error, from an RFC 7807 problem; the status when there is none.</summary>
    public static string DescribeProblem(int status, string body)
    {
        var message = new StringBuilder();
        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            message.Append(root.TryGetProperty("title", out var title) ? title.GetString() : $"HTTP {status}");
            if (root.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } detailText)
            {
                message.Append(": ").Append(detailText);
            }
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    foreach (var error in field.Value.EnumerateArray())
                    {
                        message.Append("\n  ").Append(field.Name).Append(": ").Append(error.GetString());
                    }
                }
            }
        }
        catch (JsonException)
        {
            message.Append(System.Globalization.CultureInfo.InvariantCulture, $"HTTP {status}");
        }
        return message.ToString();
    }

    public void Dispose() => _http.Dispose();
}
