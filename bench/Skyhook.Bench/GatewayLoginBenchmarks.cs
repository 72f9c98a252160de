using System.Globalization;
using Skyhook.Gateway.Vpn.OpenVpn;
using Skyhook.Lab.Controller;

namespace Skyhook.Bench;

/// <summary>
/// Issue 4: storms of simultaneous logins through the gateway's own path, from
/// <c>&gt;CLIENT:CONNECT</c> written on the management socket to <c>client-auth</c> read back
/// (<see cref="GatewayLoginPath"/>), each against the same decisions asked of the controller directly
/// in the same run, so the ratio is what the gateway adds; first logins also against the bare KDF.
/// The storms run in rounds, the second in the reverse order of the first, so that drift on this
/// shared machine and the controller's thread pool growing in the first KDF storm weigh on both
/// sides alike. Prints the section's table; each storm and every refusal also go to stderr.
/// </summary>
public static class GatewayLoginBenchmarks
{
    private const int FirstLogins = 60;
    private const int Reconnects = 500;
    private const int Rounds = 2;
    private const int WarmUpLogins = 2;

    // The largest Gateway:AuthTimeoutSeconds: the measured storms time the path, not the timeout.
    // One storm with the default timeout comes last (its refused logins leave the controller busy).
    private static readonly TimeSpan LongestAuthTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StormTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);

    public static async Task PrintAsync(LabController controller, LabAdmin admin, CancellationToken cancellationToken)
    {
        // A user's current code is accepted once, so every first login is a user of its own.
        var users = await GatewayLogins.CreateAsync(admin, controller.Url, users: 2 * WarmUpLogins + (2 * Rounds + 1) * FirstLogins, cancellationToken);
        await using var gateway = await GatewayLoginPath.StartAsync(controller.Url, users.Gateway, LongestAuthTimeout, cancellationToken);
        await using var defaultGateway = await GatewayLoginPath.StartAsync(controller.Url, users.Gateway, GatewayLoginPath.DefaultAuthTimeout, cancellationToken);
        var nextUser = 0;
        // The session tokens the gateway pushed in its client-auth, for the reconnects through it.
        var pushed = new List<(string UserName, string Token)>();

        Task<StormOutcome[]> Kdf() => Storm.FireAsync(FirstLogins, (_, _) => PasswordKdf.DeriveAsync(), cancellationToken);

        Task<StormOutcome[]> DirectFirstLogins(int count)
        {
            var first = nextUser;
            nextUser += count;
            return Storm.FireAsync(count, (i, ct) => users.LoginAsync(first + i, ct), cancellationToken);
        }

        Task<StormOutcome[]> DirectReconnects(int count) => Storm.FireAsync(count, users.ResumeAsync, cancellationToken);

        async Task<StormOutcome[]> GatewayFirstLogins(GatewayLoginPath path, int count)
        {
            var logins = Enumerable.Range(nextUser, count).Select(users.FirstLogin).Select(r => (r.UserName, StaticChallenge.Encode(r.Password!, r.Code!))).ToList();
            nextUser += count;
            var answers = await ThroughGatewayAsync(path.OpenVpn, "first logins", logins, cancellationToken);
            pushed.AddRange(logins.Zip(answers).Where(p => p.Second.SessionToken is not null).Select(p => (p.First.UserName, p.Second.SessionToken!)));
            return [.. answers.Select(a => a.Outcome)];
        }

        async Task<StormOutcome[]> GatewayReconnects(int count)
        {
            // A reconnect (or failover to this gateway) is a new CONNECT whose password is the token.
            var logins = Enumerable.Range(0, count).Select(i => pushed[i % pushed.Count]).ToList();
            return [.. (await ThroughGatewayAsync(gateway.OpenVpn, "reconnects", logins, cancellationToken)).Select(a => a.Outcome)];
        }

        // Warm-up, not recorded: the JIT, and the HTTP connections of both clients.
        await DirectFirstLogins(WarmUpLogins);
        await GatewayFirstLogins(gateway, WarmUpLogins);
        await DirectReconnects(Reconnects);
        await GatewayReconnects(Reconnects);

        var scenarios = new (string Name, Func<Task<StormOutcome[]>> Storm, List<StormOutcome[]> Storms)[]
        {
            ($"{FirstLogins} x {PasswordKdf.Name} (in process)", Kdf, []),
            ($"{FirstLogins} first logins (password + code), directly: POST /api/v1/gateway/auth", () => DirectFirstLogins(FirstLogins), []),
            ($"{FirstLogins} first logins, gateway: >CLIENT:CONNECT to client-auth", () => GatewayFirstLogins(gateway, FirstLogins), []),
            ($"{Reconnects} reconnects (session token), directly: POST /api/v1/gateway/auth", () => DirectReconnects(Reconnects), []),
            ($"{Reconnects} reconnects, gateway: >CLIENT:CONNECT to client-auth", () => GatewayReconnects(Reconnects), []),
        };
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (name, storm, storms) in round % 2 == 0 ? scenarios : Enumerable.Reverse(scenarios))
            {
                storms.Add(await storm());
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: {Storm.Result(name, [storms[^1]]).Row(null)}"));
                await Task.Delay(Pause, cancellationToken);
            }
        }
        var withDefaultTimeout = Storm.Result(
            string.Create(CultureInfo.InvariantCulture, $"{FirstLogins} first logins, gateway with the default auth timeout ({GatewayLoginPath.DefaultAuthTimeout.TotalSeconds:0} s), once"),
            [await GatewayFirstLogins(defaultGateway, FirstLogins)]);

        var results = scenarios.Select(s => Storm.Result(s.Name, s.Storms)).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| scenario (each storm all at once; {Rounds} rounds, the second in reverse order) | per second | p50 ms | p99 ms | failures | ratio |"));
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        Console.WriteLine(results[0].Row(null));
        Console.WriteLine(results[1].Row(results[0]));
        Console.WriteLine(results[2].Row(results[1]));
        Console.WriteLine(withDefaultTimeout.Row(results[1]));
        Console.WriteLine(results[3].Row(null));
        Console.WriteLine(results[4].Row(results[3]));
    }

    // One storm through the gateway; then every admitted client leaves, so each storm starts with an empty address pool.
    private static async Task<FakeLogin[]> ThroughGatewayAsync(FakeOpenVpnManagement openVpn, string what, IReadOnlyList<(string UserName, string Password)> logins, CancellationToken cancellationToken)
    {
        var answers = await openVpn.StormAsync(logins, StormTimeout, cancellationToken);
        foreach (var refusal in answers.Where(a => !a.Outcome.Admitted).GroupBy(a => a.Refusal ?? "client-auth without an address"))
        {
            Console.Error.WriteLine($"gateway {what}: {refusal.Count()} of {answers.Length} refused: {refusal.Key}");
        }
        await openVpn.DisconnectAsync(answers.Where(a => a.Outcome.Admitted).Select(a => a.ClientId), cancellationToken);
        return answers;
    }
}
