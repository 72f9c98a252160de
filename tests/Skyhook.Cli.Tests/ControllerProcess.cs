using System.Net;
using Skyhook.Lab.Controller;

namespace Skyhook.Cli.Tests;

/// <summary>One real controller process for the whole "controller" collection.</summary>
public sealed class ControllerProcess : IAsyncLifetime
{
    private LabController? _controller;

    private LabController Controller => _controller ?? throw new InvalidOperationException("the controller did not start");

    public string Url => Controller.Url;
    public string SetupToken { get; private set; } = "";
    public string Log => Controller.Log;

    public async ValueTask InitializeAsync()
    {
        _controller = await LabController.StartAsync(IPAddress.Loopback, environment: null, TestContext.Current.CancellationToken);
        SetupToken = await _controller.SetupToken.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (_controller is not null)
        {
            await _controller.DisposeAsync();
        }
    }
}

[CollectionDefinition("controller")]
public sealed class ControllerCollection : ICollectionFixture<ControllerProcess>;
