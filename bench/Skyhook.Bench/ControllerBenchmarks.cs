using Skyhook.Lab.Controller;

namespace Skyhook.Bench;

/// <summary>
/// Issue 3: API reads per second against /healthz in the same run, and VPN login decisions per
/// second against the bare password KDF they are built on. Prints the section's table.
/// </summary>
public static class ControllerBenchmarks
{
    private const int Workers = 4;

    public static async Task PrintAsync(LabController controller, LabAdmin admin, int seconds, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromSeconds(seconds);
        for (var i = 0; i < 50; i++)
        {
            await admin.PostAsync("/api/v1/users", new { name = $"user{i}", email = $"user{i}@example.com", profile = "developers" }, cancellationToken);
        }

        async Task<bool> Get(string path, CancellationToken ct)
        {
            using var response = await admin.Http.GetAsync(path, ct);
            await response.Content.ReadAsByteArrayAsync(ct);
            return response.IsSuccessStatusCode;
        }

        var reads = new (string Scenario, Func<int, CancellationToken, Task<bool>> Request)[]
        {
            ("GET /healthz", (_, ct) => Get("/healthz", ct)),
            ("GET /api/v1/users/{name}", (i, ct) => Get($"/api/v1/users/user{i % 50}", ct)),
            ("GET /api/v1/profiles", (_, ct) => Get("/api/v1/profiles", ct)),
            ("GET /api/v1/users (51 users)", (_, ct) => Get("/api/v1/users", ct)),
        };
        // Warm-up, not recorded: the first seconds of each path measure the JIT, not the controller.
        foreach (var (scenario, request) in reads)
        {
            await Load.RunAsync(scenario, Workers, TimeSpan.FromSeconds(3), 200_000, request, cancellationToken);
        }
        var rows = new List<string>();
        LoadResult? health = null;
        foreach (var (scenario, request) in reads)
        {
            var result = await Load.RunAsync(scenario, Workers, duration, 200_000, request, cancellationToken);
            rows.Add(result.Row(health));
            health ??= result;
        }

        // VPN login decisions through the gateway-facing API, as a gateway asks for them.
        var gateway = await GatewayLogins.CreateAsync(admin, controller.Url, users: 60, cancellationToken);
        var full = await Load.RunAsync("POST /api/v1/gateway/auth, password + code (600,000-iteration KDF)", Workers, duration, gateway.Users.Count,
            (i, ct) => gateway.LoginAsync(i, ct), cancellationToken);
        var session = await Load.RunAsync("POST /api/v1/gateway/auth, session token (reconnect, failover)", Workers, duration, 200_000,
            (i, ct) => gateway.ResumeAsync(i, ct), cancellationToken);

        // The KDF alone, with the controller's default cost and the same parallelism: the ceiling for
        // full password + code logins.
        var kdf = await Load.RunAsync($"{PasswordKdf.Name} (in process)", Workers, duration, 10_000, (_, _) => PasswordKdf.DeriveAsync(), cancellationToken);
        rows.Add(kdf.Row(null));
        rows.Add(full.Row(kdf));
        rows.Add(session.Row(health!));

        Console.WriteLine($"| scenario ({Workers} concurrent callers, {seconds} s each) | per second | p50 ms | p99 ms | failures | ratio |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        rows.ForEach(Console.WriteLine);
    }
}
