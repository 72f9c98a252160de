using Skyhook.Lab;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Overlay;

/// <summary>
/// One lab (2 swarm nodes, web1 on node 1, web2 on node 2) with gateway host 1, shared by the overlay
/// tests. Its prefix is unique to the run ("t" + SKYHOOK_TEST_RUN + "o"), so ./test.sh removes it
/// after a crash; DisposeAsync removes it otherwise.
/// </summary>
public sealed class OverlayLabFixture : IAsyncLifetime
{
    private Lab.Lab? _lab;
    private GatewayHost? _gateway;

    public static string Stem { get; } = Environment.GetEnvironmentVariable("SKYHOOK_TEST_RUN") is { Length: > 0 and <= 5 } stem
        ? stem
        : new string(Enumerable.Range(0, 5).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());

    public Lab.Lab Lab
    {
        get
        {
            RequireLab();
            return _lab ?? throw new InvalidOperationException("the overlay lab did not come up: " + StartFailure);
        }
    }

    public GatewayHost Gateway => _gateway ?? throw new InvalidOperationException("the overlay lab did not come up: " + StartFailure);

    public string Web1 { get; private set; } = "";

    public string Web2 { get; private set; } = "";

    private string? StartFailure { get; set; }

    public static string? WhyNoLab() => Skyhook.Lab.Lab.WhyUnavailable();

    public static void RequireLab()
    {
        if (WhyNoLab() is { } reason)
        {
            if (Requirements.OnCi)
            {
                Assert.Fail("CI must run the overlay lab tests: " + reason);
            }
            Assert.Skip(reason);
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (WhyNoLab() is not null)
        {
            return;
        }
        var lab = Skyhook.Lab.Lab.Create(new LabOptions { Prefix = "t" + Stem + "o", Nodes = 2 });
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            await lab.UpAsync(progress: null, cancellationToken);
            _lab = lab;
            _gateway = await lab.AddGatewayHostAsync(1, cancellationToken);
            Web1 = await OverlayAddressAsync(1, "web1", cancellationToken);
            Web2 = await OverlayAddressAsync(2, "web2", cancellationToken);
        }
        catch (Exception ex)
        {
            StartFailure = ex.ToString();
        }
    }

    private async Task<string> OverlayAddressAsync(int node, string container, CancellationToken cancellationToken) =>
        (await _lab!.DockerAsync(node, ["inspect", "--format", "{{(index .NetworkSettings.Networks \"multi-host-overlay\").IPAddress}}", container], cancellationToken))
            .StandardOutput.Trim();

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DownAsync(progress: null, CancellationToken.None);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OverlayLabCollection : ICollectionFixture<OverlayLabFixture>
{
    public const string Name = "overlay lab";
}
