using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Skyhook.Core.Identity;

namespace Skyhook.Controller.Tests;

/// <summary>
/// One in-process controller per collection on its own data directory and database, set up through
/// the API as an operator would (setup token from the log, password, TOTP), with a fake clock that
/// tests move forward. Subclass it per database (<see cref="SqliteControllerFixture"/>).
/// </summary>
public abstract class ControllerFixture(ControllerDatabase database) : IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public const string AdminName = "root";
    public const string SourceHeader = "X-Test-Source";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "skyhook-controller-tests-" + Guid.NewGuid().ToString("N"));

    public string DataDirectory => _dataDirectory;
    private WebApplicationFactory<Program>? _factory;

    public ControllerDatabase Database { get; } = database;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    public CapturedLogs Logs { get; } = new();

    /// <summary>Every password, code, TOTP secret and token the tests handled: none may appear in a log.</summary>
    public SecretRegistry Secrets { get; } = new();

    public string AdminPassword { get; } = "correct horse battery staple";

    public byte[] AdminSecret { get; private set; } = [];

    public string AdminToken { get; private set; } = "";

    public string SetupToken { get; private set; } = "";

    public HttpStatusCode WrongSetupTokenStatus { get; private set; }

    public HttpStatusCode UnconfirmedAdminLoginStatus { get; private set; }

    public Totp Totp => new(Time);

    /// <summary>Why this fixture's database cannot be used here, or null; tests then skip.</summary>
    public virtual string? Unavailable => null;

    /// <summary>
    /// Skips the calling test when the database is unavailable on a developer box; under CI (CI is
    /// set) fails it instead, so that a skip can never hide a broken CI.
    /// </summary>
    public void RequireDatabase()
    {
        if (Unavailable is { } reason)
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail("CI must run these tests: " + reason);
            }

            Assert.Skip(reason);
        }
    }

    public virtual async ValueTask InitializeAsync()
    {
        _factory = ControllerHost.Create(_dataDirectory, Database, Time, Logs);
        SetupToken = ControllerHost.Start(_factory, Logs) ?? throw new InvalidOperationException("The controller logged no setup token.");
        Secrets.Add(AdminPassword);
        using var client = CreateClient();
        var wrong = await client.PostAsJsonAsync("/api/v1/setup", new { setupToken = "setup_wrong", name = AdminName, email = "root@example.com", password = AdminPassword }, Cancel);
        WrongSetupTokenStatus = wrong.StatusCode;

        var setup = await client.PostAsJsonAsync("/api/v1/setup", new { setupToken = SetupToken, name = AdminName, email = "root@example.com", password = AdminPassword }, Cancel);
        var enrolment = await ReadAsync(setup, HttpStatusCode.OK);
        AdminSecret = Base32.Decode(enrolment.GetProperty("secret").GetString()!);
        Secrets.Add(enrolment.GetProperty("secret").GetString()!);
        Secrets.Add(enrolment.GetProperty("otpAuthUri").GetString()!);

        using var elsewhere = CreateClient(source: "192.0.2.250");
        var early = await elsewhere.PostAsJsonAsync("/api/v1/auth/login", new { name = AdminName, password = AdminPassword, code = NextCode(AdminSecret) }, Cancel);
        UnconfirmedAdminLoginStatus = early.StatusCode;

        var confirm = await client.PostAsJsonAsync("/api/v1/setup/confirm", new { name = AdminName, code = NextCode(AdminSecret) }, Cancel);
        await ReadAsync(confirm, HttpStatusCode.OK);
        AdminToken = await LoginAsync(AdminName, AdminPassword, AdminSecret);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A client with the given token (none by default) that appears to come from <paramref name="source"/>.</summary>
    public HttpClient CreateClient(string? token = null, string source = "127.0.0.1")
    {
        RequireDatabase();
        var client = _factory!.CreateClient();
        client.DefaultRequestHeaders.Add(SourceHeader, source);
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public HttpClient CreateAdminClient(string source = "127.0.0.1") => CreateClient(AdminToken, source);

    /// <summary>A request scope of the running controller, to call its services as the console does.</summary>
    public AsyncServiceScope CreateScope()
    {
        RequireDatabase();
        return _factory!.Services.CreateAsyncScope();
    }

    /// <summary>Moves the clock to the next TOTP period and returns that period's code, so no code repeats.</summary>
    public string NextCode(byte[] secret)
    {
        Time.Advance(TimeSpan.FromSeconds(Totp.DefaultPeriodSeconds));
        var code = Totp.Compute(secret, Totp.GetCurrentTimeStep());
        Secrets.Add(code);
        return code;
    }

    public async Task<string> LoginAsync(string name, string password, byte[] secret, string source = "127.0.0.1")
    {
        using var client = CreateClient(source: source);
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { name, password, code = NextCode(secret) }, Cancel);
        var token = (await ReadAsync(response, HttpStatusCode.OK)).GetProperty("token").GetString()!;
        Secrets.Add(token);
        return token;
    }

    /// <summary>Creates an admin with a password and confirmed MFA; returns its TOTP secret.</summary>
    public async Task<byte[]> CreateAdminAsync(string name, string password)
    {
        Secrets.Add(password);
        using var client = CreateAdminClient();
        await ReadAsync(await client.PostAsJsonAsync("/api/v1/users", new { name, email = $"{name}@example.com", password, admin = true }, Cancel), HttpStatusCode.Created);
        var enrolment = await ReadAsync(await client.PostAsync($"/api/v1/users/{name}/mfa", null, Cancel), HttpStatusCode.OK);
        var secretText = enrolment.GetProperty("secret").GetString()!;
        Secrets.Add(secretText);
        var secret = Base32.Decode(secretText);
        await ReadAsync(await client.PostAsJsonAsync($"/api/v1/users/{name}/mfa/confirm", new { code = NextCode(secret) }, Cancel), HttpStatusCode.OK);
        return secret;
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }
}
