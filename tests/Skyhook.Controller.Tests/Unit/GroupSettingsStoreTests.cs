using Microsoft.AspNetCore.DataProtection;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Storage;
using Skyhook.Core.Groups;

namespace Skyhook.Controller.Tests.Unit;

public sealed class GroupSettingsStoreTests
{
    private readonly GroupSettingsStore _store = new(new EphemeralDataProtectionProvider());

    [Fact]
    public void Load_DocumentStoredBeforeHideUnreachableNames_ReadsAsTrue()
    {
        // The stored form before the setting existed, as older controllers wrote it.
        const string stored = """
            {"transport":"udp","port":1194,"tunnelMode":"split","additionalCidrs":[],"nameservers":["10.0.0.2"],"searchDomains":["apps.internal"],
             "clientPool":"192.168.43.0/24","clientBlockPrefixLength":24,"sessionLifetimeSeconds":43200,
             "overlays":[{"name":"multi-host-overlay","subnet":"10.0.0.0/16","enabled":true,"managerAddress":null,"protectedJoinToken":null}]}
            """;

        var settings = _store.Load(Entity(stored));

        Assert.True(settings.HideUnreachableNames);
        Assert.Equal(["apps.internal"], settings.SearchDomains);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaveThenLoad_HideUnreachableNames_RoundTrips(bool hide)
    {
        var settings = new GatewayGroupSettings { Name = "edge", HideUnreachableNames = hide };

        Assert.Equal(hide, _store.Load(Entity(_store.Save(settings))).HideUnreachableNames);
    }

    private static GatewayGroupEntity Entity(string settings) => new() { Name = "edge", NormalizedName = "edge", Settings = settings };
}
