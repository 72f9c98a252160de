using Skyhook.Lab;

namespace Skyhook.Lab.Tests;

/// <summary>One lab (2 nodes) shared by every test of the "lab" collection: engines start once.</summary>
public sealed class LabFixture : IAsyncLifetime
{
    private Lab? _lab;

    public Lab Lab
    {
        get
        {
            Requirements.RequireLab();
            return _lab ?? throw new InvalidOperationException("the shared lab did not come up: " + StartFailure);
        }
    }

    public LabStatus Status { get; private set; } = null!;

    private string? StartFailure { get; set; }

    public async ValueTask InitializeAsync()
    {
        if (Requirements.WhyNoLab() is not null)
        {
            return;
        }
        var lab = Lab.Create(new LabOptions { Prefix = TestPrefixes.For('a'), Nodes = 2 });
        try
        {
            await lab.UpAsync(progress: null, TestContext.Current.CancellationToken);
            Status = await lab.StatusAsync(TestContext.Current.CancellationToken);
            _lab = lab;
        }
        catch (Exception ex)
        {
            // UpAsync removed what it made; every test then fails with this reason.
            StartFailure = ex.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DownAsync(progress: null, CancellationToken.None);
        }
    }
}

[CollectionDefinition("lab")]
public sealed class LabCollection : ICollectionFixture<LabFixture>;
