using System.Net;
using System.Text.RegularExpressions;
using Skyhook.Core.Identity;
using Skyhook.Lab.Controller;

namespace Skyhook.Cli.Tests;

/// <summary>One real controller process for the whole "controller" collection.</summary>
public sealed partial class ControllerProcess : IAsyncLifetime
{
    public const string AdminPassword = "correct horse battery staple";

    private readonly SemaphoreSlim _adminLock = new(1, 1);
    private LabController? _controller;
    private Cli? _admin;
    private DirectoryInfo? _adminDirectory;

    private LabController Controller => _controller ?? throw new InvalidOperationException("the controller did not start");

    public string Url => Controller.Url;
    public string SetupToken { get; private set; } = "";
    public string Log => Controller.Log;
    public string? TotpSecret { get; private set; }

    /// <summary>
    /// The admin's CLI, set up once per run through the CLI itself: setup, confirm with a TOTP code,
    /// login (with the next step's code: each code is accepted once, the ±1 window allows the next).
    /// </summary>
    public async Task<Cli> AdminAsync()
    {
        await _adminLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_admin is not null)
            {
                return _admin;
            }
            // Holds the admin's API token: removed with the controller.
            _adminDirectory = Directory.CreateTempSubdirectory("skyhook-admin-");
            var cli = new Cli(Path.Combine(_adminDirectory.FullName, "cli.json"));
            var setup = await cli.RunWithInputAsync(
                AdminPassword + "\n",
                "setup", "--controller", Url, "--setup-token", SetupToken, "--name", "admin", "--email", "admin@example.com", "--password-stdin");
            Assert.True(setup.ExitCode == 0, setup.StandardError);
            TotpSecret = SecretPattern().Match(setup.StandardOutput).Groups[1].Value;
            var totp = new Totp(TimeProvider.System);
            var secret = Base32.Decode(TotpSecret);
            var step = totp.GetCurrentTimeStep();

            var confirm = await cli.RunAsync("setup", "confirm", "--controller", Url, "--name", "admin", "--code", totp.Compute(secret, step));
            Assert.True(confirm.ExitCode == 0, confirm.StandardError);
            var login = await cli.RunWithInputAsync(
                AdminPassword + "\n", "login", "--controller", Url, "--name", "admin", "--code", totp.Compute(secret, step + 1), "--password-stdin");
            Assert.True(login.ExitCode == 0, login.StandardError);
            return _admin = cli;
        }
        finally
        {
            _adminLock.Release();
        }
    }

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
        _adminDirectory?.Delete(recursive: true);
    }

    [GeneratedRegex(@"secret: (\S+)")]
    private static partial Regex SecretPattern();
}

[CollectionDefinition("controller")]
public sealed class ControllerCollection : ICollectionFixture<ControllerProcess>;
