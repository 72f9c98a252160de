using System.Net.Http.Json;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;
using Skyhook.Core.Identity;
using Skyhook.Lab.Controller;

namespace Skyhook.Bench;

/// <summary>
/// An enrolled gateway and VPN users with passwords and TOTP, for login-decision load. Each code is
/// accepted once, so every user makes one full login (with the current step's code) and then
/// resumes with the session token it got, as reconnecting clients do.
/// </summary>
public sealed class GatewayLogins
{
    private const string Password = "a VPN user's password";
    private readonly HttpClient _gateway;
    private readonly Totp _totp = new(TimeProvider.System);
    private readonly string?[] _sessionTokens;

    private GatewayLogins(HttpClient http, BenchGateway gateway, IReadOnlyList<(string Name, byte[] Secret)> users)
    {
        _gateway = http;
        Gateway = gateway;
        Users = users;
        _sessionTokens = new string?[users.Count];
    }

    public IReadOnlyList<(string Name, byte[] Secret)> Users { get; }

    /// <summary>The enrolled gateway: its credential, for a real gateway client of the same gateway, and its VPN client block (a /22: room for a storm of 500 sessions).</summary>
    public BenchGateway Gateway { get; }

    public static async Task<GatewayLogins> CreateAsync(LabAdmin admin, string controllerUrl, int users, CancellationToken cancellationToken)
    {
        // /22 client blocks instead of the default /24 (253 addresses): the gateway storms hold 500 sessions at once.
        await admin.PostAsync("/api/v1/groups", new { name = "bench", clientPool = "192.168.32.0/20", clientBlockPrefixLength = 22, overlays = new[] { new { name = "multi-host-overlay", subnet = "10.0.0.0/16" } } }, cancellationToken);
        var enrolled = await BenchGateway.EnrollAsync(admin, controllerUrl, "bench", "bench-gw1", cancellationToken);
        var gateway = enrolled.CreateHttpClient(controllerUrl);

        var totp = new Totp(TimeProvider.System);
        var created = new List<(string, byte[])>();
        for (var i = 0; i < users; i++)
        {
            var name = $"vpn{i}";
            await admin.PostAsync("/api/v1/users", new { name, email = $"{name}@example.com", profile = "developers", password = Password }, cancellationToken);
            var mfa = await admin.PostAsync($"/api/v1/users/{name}/mfa", new { }, cancellationToken);
            var secret = Base32.Decode(mfa.GetProperty("secret").GetString()!);
            // Confirmed with the previous step's code, so the current step's is still unused.
            await admin.PostAsync($"/api/v1/users/{name}/mfa/confirm", new { code = totp.Compute(secret, totp.GetCurrentTimeStep() - 1) }, cancellationToken);
            created.Add((name, secret));
        }
        return new GatewayLogins(gateway, enrolled, created);
    }

    /// <summary>User <paramref name="index"/>'s first login as the gateway asks for it: password and the current step's code.</summary>
    public VpnAuthRequest FirstLogin(int index)
    {
        var (name, secret) = Users[index];
        return new VpnAuthRequest(name, Password, _totp.Compute(secret, _totp.GetCurrentTimeStep()), null, "198.51.100.101", "bench");
    }

    /// <summary>User <paramref name="index"/>'s first login, asked directly: password and the current code.</summary>
    public async Task<bool> LoginAsync(int index, CancellationToken cancellationToken)
    {
        var decision = await AskAsync(FirstLogin(index), cancellationToken);
        _sessionTokens[index] = decision?.SessionToken;
        return decision is { Allowed: true };
    }

    /// <summary>A reconnect with a session token from a login (round robin over the users that have one).</summary>
    public async Task<bool> ResumeAsync(int index, CancellationToken cancellationToken)
    {
        var tokens = _sessionTokens.Select((token, i) => (token, i)).Where(t => t.token is not null).ToList();
        var (token, user) = tokens[index % tokens.Count];
        var decision = await AskAsync(new VpnAuthRequest(Users[user].Name, null, null, token, "198.51.100.101", "bench"), cancellationToken);
        return decision is { Allowed: true };
    }

    private async Task<VpnAuthDecision?> AskAsync(VpnAuthRequest request, CancellationToken cancellationToken)
    {
        using var response = await _gateway.PostAsJsonAsync("/api/v1/gateway/auth", request, cancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<VpnAuthDecision>(cancellationToken) : null;
    }
}
