using System.Net.Http.Headers;
using System.Net.Http.Json;
using Skyhook.Core.Contracts;
using Skyhook.Core.Identity;
using Skyhook.Core.Pki;
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

    private GatewayLogins(HttpClient gateway, IReadOnlyList<(string Name, byte[] Secret)> users)
    {
        _gateway = gateway;
        Users = users;
        _sessionTokens = new string?[users.Count];
    }

    public IReadOnlyList<(string Name, byte[] Secret)> Users { get; }

    public static async Task<GatewayLogins> CreateAsync(LabAdmin admin, string controllerUrl, int users, CancellationToken cancellationToken)
    {
        await admin.PostAsync("/api/v1/groups", new { name = "bench", overlays = new[] { new { name = "multi-host-overlay", subnet = "10.0.0.0/16" } } }, cancellationToken);
        var added = await admin.PostAsync("/api/v1/groups/bench/gateways", new { name = "bench-gw1", publicEndpoint = "198.51.100.11" }, cancellationToken);
        var gateway = new HttpClient { BaseAddress = new Uri(controllerUrl) };
        gateway.DefaultRequestHeaders.Add(ContractVersion.Header, ContractVersion.Current.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var enrolment = new EnrollmentRequest(added.GetProperty("joinToken").GetString()!, "bench-gw1", "198.51.100.11", CertificateAuthority.CreateServerRequest("bench-gw1").SigningRequestPem);
        using (var response = await gateway.PostAsJsonAsync("/api/v1/gateway/enroll", enrolment, cancellationToken))
        {
            response.EnsureSuccessStatusCode();
            var enrolled = await response.Content.ReadFromJsonAsync<EnrollmentResponse>(cancellationToken);
            gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", enrolled!.Credential);
        }

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
        return new GatewayLogins(gateway, created);
    }

    /// <summary>User <paramref name="index"/>'s first login: password and the current code.</summary>
    public async Task<bool> LoginAsync(int index, CancellationToken cancellationToken)
    {
        var (name, secret) = Users[index];
        var decision = await AskAsync(new VpnAuthRequest(name, Password, _totp.Compute(secret, _totp.GetCurrentTimeStep()), null, "198.51.100.101", "bench"), cancellationToken);
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
