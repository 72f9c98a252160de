using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Skyhook.Core.Identity;

namespace Skyhook.Lab.Controller;

/// <summary>
/// A fresh real controller set up through its API as a new admin would (first admin with the setup
/// token, TOTP confirmed, sign-in with the next code), holding the admin's API token: for the
/// benchmarks, the gateway tests and the lab's demo.
/// </summary>
public sealed class LabAdmin : IDisposable
{
    public const string DefaultName = "admin";

    private static readonly Totp Codes = new(TimeProvider.System);

    private LabAdmin(HttpClient http, string name, string password, string secret)
    {
        Http = http;
        Name = name;
        Password = password;
        Secret = secret;
    }

    public HttpClient Http { get; }

    public string Name { get; }

    public string Password { get; }

    /// <summary>The admin's TOTP secret (base32), as an authenticator app takes it.</summary>
    public string Secret { get; }

    public static async Task<LabAdmin> CreateAsync(LabController controller, CancellationToken cancellationToken)
    {
        var setupToken = await controller.SetupToken.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return await CreateAsync(new Uri(controller.Url), setupToken, "correct horse battery staple 1", cancellationToken);
    }

    /// <summary>Enrols the first admin of the controller at <paramref name="url"/> with its one-time setup token.</summary>
    public static async Task<LabAdmin> CreateAsync(Uri url, string setupToken, string password, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = url };
        try
        {
            var enrolment = await SendAsync(http, HttpMethod.Post, "/api/v1/setup", new { setupToken, name = DefaultName, email = "admin@example.com", password }, cancellationToken);
            var secret = enrolment.GetProperty("secret").GetString()!;
            var step = Codes.GetCurrentTimeStep();
            await SendAsync(http, HttpMethod.Post, "/api/v1/setup/confirm", new { name = DefaultName, code = Code(secret, step) }, cancellationToken);
            var login = await SendAsync(http, HttpMethod.Post, "/api/v1/auth/login", new { name = DefaultName, password, code = Code(secret, step + 1) }, cancellationToken);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
            return new LabAdmin(http, DefaultName, password, secret);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The same admin (the same API token) speaking to the controller at <paramref name="url"/>: another
    /// replica on the same database, or a load balancer in front of the replicas.
    /// </summary>
    public LabAdmin Through(Uri url)
    {
        var http = new HttpClient { BaseAddress = url };
        http.DefaultRequestHeaders.Authorization = Http.DefaultRequestHeaders.Authorization;
        return new LabAdmin(http, Name, Password, Secret);
    }

    /// <summary>
    /// Starts and confirms TOTP for user <paramref name="user"/>; returns the secret (base32) and the
    /// time step the confirmation used, which the controller will not accept again.
    /// </summary>
    public async Task<(string Secret, long UsedStep)> EnrolMfaAsync(string user, CancellationToken cancellationToken)
    {
        var mfa = await PostAsync($"/api/v1/users/{user}/mfa", new { }, cancellationToken);
        var secret = mfa.GetProperty("secret").GetString()!;
        var step = Codes.GetCurrentTimeStep();
        await PostAsync($"/api/v1/users/{user}/mfa/confirm", new { code = Code(secret, step) }, cancellationToken);
        return (secret, step);
    }

    /// <summary>A code the controller accepts now for <paramref name="secret"/>: the current step's, or the one after <paramref name="usedStep"/>.</summary>
    public static string NextCode(string secret, long usedStep) => Code(secret, Math.Max(Codes.GetCurrentTimeStep(), usedStep + 1));

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken) => SendAsync(Http, HttpMethod.Post, path, body, cancellationToken);

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(Http, HttpMethod.Get, path, null, cancellationToken);

    /// <summary>A GET whose answer is not JSON (a .ovpn profile).</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? text : throw Failure(HttpMethod.Get, path, response, text);
    }

    public void Dispose() => Http.Dispose();

    private static string Code(string secret, long step) => Codes.Compute(Base32.Decode(secret), step);

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(method, path, response, text);
        }
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static LabException Failure(HttpMethod method, string path, HttpResponseMessage response, string text) =>
        new($"{method} {path} answered {(int)response.StatusCode}: {text}");
}
