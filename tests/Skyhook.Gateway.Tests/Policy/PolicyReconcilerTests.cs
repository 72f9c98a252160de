using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Skyhook.Core.Contracts;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Gateway.Overlay;
using Skyhook.Gateway.Policy;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Tests.Sync;
using Skyhook.Gateway.Vpn;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Policy;

/// <summary>
/// The policy reconciler against the real nft, in a network namespace of the test's own: the table
/// follows the desired state and the sessions, binds only users who may be connected, and comes
/// back whole at a resync after the ruleset was flushed by hand.
/// </summary>
[Collection(KernelStateCollection.Name)]
public sealed class PolicyReconcilerTests : IAsyncLifetime
{
    private readonly string _namespace = "skyp" + Guid.NewGuid().ToString("N")[..8];
    private readonly ProcessRunner _runner = new();
    private readonly VpnSessions _sessions = new();
    private PolicyReconciler? _policy;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Requirements.RequireNft();
        await _runner.RunAsync("ip", ["netns", "add", _namespace], Ct);
        _policy = new PolicyReconciler(
            Options.Create(new OverlayOptions { HostNetworkNamespace = _namespace, VpnInterfaces = ["skyvpn+"] }),
            _sessions,
            _runner,
            NullLoggerFactory.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        _policy?.Dispose();
        await _runner.RunAsync(new ProcessSpec("ip", ["netns", "delete", _namespace]) { CheckExitCode = false }, CancellationToken.None);
    }

    [Fact]
    public async Task Apply_SessionsComeAndGo_MapFollowsOnlyEnabledUsersWithTheirCurrentProfile()
    {
        var state = Validate(States.Valid(1, new UserDocument("alice", "dev", true), new UserDocument("bob", "dev", false)));
        await _policy!.ApplyAsync(state, Ct);
        Assert.Empty(await BoundAsync());

        _sessions.Add(Session(1, "alice", "192.168.43.2"));
        _sessions.Add(Session(2, "bob", "192.168.43.3"));
        await _policy.SessionsChangedAsync(Ct);
        Assert.Equal(new Dictionary<string, string> { ["192.168.43.2"] = NftNames.ProfileChain("dev") }, await BoundAsync());

        // alice moves to another profile: her live session follows without reconnecting.
        var moved = Validate(States.Valid(2, new UserDocument("alice", "ops", true)).With(s => s with
        {
            Profiles = [.. s.Profiles, new ProfileDocument("ops", "allow-all", [])],
        }));
        await _policy.ApplyAsync(moved, Ct);
        Assert.Equal(new Dictionary<string, string> { ["192.168.43.2"] = NftNames.ProfileChain("ops") }, await BoundAsync());

        _sessions.Remove(1);
        await _policy.SessionsChangedAsync(Ct);
        Assert.Empty(await BoundAsync());
    }

    [Fact]
    public async Task Resync_RulesetFlushedByHand_TableComesBack()
    {
        var state = Validate(States.Valid(1, new UserDocument("alice", "dev", true)));
        _sessions.Add(Session(1, "alice", "192.168.43.2"));
        await _policy!.ApplyAsync(state, Ct);

        await _runner.RunAsync(new ProcessSpec("nft", ["flush", "ruleset"]).InNetworkNamespace(_namespace), Ct);
        await _policy.ApplyAsync(state, Ct);

        Assert.Equal(new Dictionary<string, string> { ["192.168.43.2"] = NftNames.ProfileChain("dev") }, await BoundAsync());
    }

    private static ValidatedState Validate(DesiredState state) =>
        DesiredStateValidator.Validate(state, out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));

    private static VpnSession Session(ulong id, string user, string address) =>
        new(id, user, null, IPAddress.Parse(address), null, DateTimeOffset.UtcNow);

    /// <summary>The sessions4 map as the kernel holds it: client address -> the chain it goes to.</summary>
    private async Task<Dictionary<string, string>> BoundAsync()
    {
        var listed = await _runner.RunAsync(new ProcessSpec("nft", ["-j", "list", "map", "inet", "skyhook", "sessions4"]).InNetworkNamespace(_namespace), Ct);
        using var json = JsonDocument.Parse(listed.StandardOutput);
        var map = json.RootElement.GetProperty("nftables").EnumerateArray().Single(e => e.TryGetProperty("map", out _)).GetProperty("map");
        if (!map.TryGetProperty("elem", out var elements))
        {
            return [];
        }
        return elements.EnumerateArray().ToDictionary(e => e[0].GetString()!, e => e[1].GetProperty("goto").GetProperty("target").GetString()!);
    }
}
