using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Skyhook.Core.Identity;
using Skyhook.Lab.Controller;

namespace Skyhook.Bench;

/// <summary>Sets a fresh controller up through its API (first admin, TOTP, sign-in) and holds the admin's API token.</summary>
public sealed class AdminSession
{
    private AdminSession(HttpClient http, byte[] totpSecret)
    {
        Http = http;
        TotpSecret = totpSecret;
    }

    public HttpClient Http { get; }
    public byte[] TotpSecret { get; }

    public static async Task<AdminSession> CreateAsync(LabController controller, string password, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = new Uri(controller.Url) };
        var setupToken = await controller.SetupToken.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var enrolment = await PostAsync(http, "/api/v1/setup", new { setupToken, name = "admin", email = "admin@example.com", password }, cancellationToken);
        var secret = Base32.Decode(enrolment.GetProperty("secret").GetString()!);
        var totp = new Totp(TimeProvider.System);
        var step = totp.GetCurrentTimeStep();
        await PostAsync(http, "/api/v1/setup/confirm", new { name = "admin", code = totp.Compute(secret, step) }, cancellationToken);
        var login = await PostAsync(http, "/api/v1/auth/login", new { name = "admin", password, code = totp.Compute(secret, step + 1) }, cancellationToken);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        return new AdminSession(http, secret);
    }

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken) => PostAsync(Http, path, body, cancellationToken);

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(path, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
