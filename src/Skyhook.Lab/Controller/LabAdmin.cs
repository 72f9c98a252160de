using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Skyhook.Core.Identity;

namespace Skyhook.Lab.Controller;

/// <summary>
/// A fresh real controller set up through its API as a new admin would (first admin with the setup
/// token, TOTP confirmed, sign-in with the next code), holding the admin's API token: for the
/// benchmarks and the gateway tests.
/// </summary>
public sealed class LabAdmin : IDisposable
{
    private LabAdmin(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    public static async Task<LabAdmin> CreateAsync(LabController controller, CancellationToken cancellationToken)
    {
        const string password = "correct horse battery staple 1";
        var http = new HttpClient { BaseAddress = new Uri(controller.Url) };
        var setupToken = await controller.SetupToken.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var enrolment = await SendAsync(http, HttpMethod.Post, "/api/v1/setup", new { setupToken, name = "admin", email = "admin@example.com", password }, cancellationToken);
        var secret = Base32.Decode(enrolment.GetProperty("secret").GetString()!);
        var totp = new Totp(TimeProvider.System);
        var step = totp.GetCurrentTimeStep();
        await SendAsync(http, HttpMethod.Post, "/api/v1/setup/confirm", new { name = "admin", code = totp.Compute(secret, step) }, cancellationToken);
        var login = await SendAsync(http, HttpMethod.Post, "/api/v1/auth/login", new { name = "admin", password, code = totp.Compute(secret, step + 1) }, cancellationToken);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        return new LabAdmin(http);
    }

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken) => SendAsync(Http, HttpMethod.Post, path, body, cancellationToken);

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(Http, HttpMethod.Get, path, null, cancellationToken);

    public void Dispose() => Http.Dispose();

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
