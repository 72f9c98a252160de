using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Groups;

namespace Skyhook.Core.Tests.Groups;

public sealed class GatewayGroupValidatorTests
{
    private static readonly NamedRange[] Underlay = [new("gateway gw1 underlay", Cidr.Parse("172.31.0.0/16"))];
    private const string Token = "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx";

    private static GatewayGroupSettings Reference() => new()
    {
        Name = "default",
        Overlays = [new OverlayNetwork("multi-host-overlay", Cidr.Parse("10.0.0.0/16"))],
        SearchDomains = ["apps.internal"],
        Nameservers = [IPAddress.Parse("10.0.0.2")],
    };

    [Fact]
    public void Validate_ReferenceDesign_HasNoErrors() =>
        Assert.Empty(GatewayGroupValidator.Validate(Reference(), Underlay));

    [Fact]
    public void Validate_PoolInsideOverlay_NamesBothRangesOnThePoolField()
    {
        var settings = Reference() with { ClientPool = Cidr.Parse("10.0.3.0/24") };

        var error = Assert.Single(GatewayGroupValidator.Validate(settings, Underlay));

        Assert.Equal("clientPool", error.Field);
        Assert.Equal("overlay multi-host-overlay 10.0.0.0/16 overlaps VPN client pool 10.0.3.0/24", error.Message);
    }

    [Fact]
    public void Validate_AdditionalCidrOverlappingTheUnderlay_BlamesTheAdditionalCidr()
    {
        var settings = Reference() with { AdditionalCidrs = [Cidr.Parse("172.31.5.0/24")] };

        var error = Assert.Single(GatewayGroupValidator.Validate(settings, Underlay));

        Assert.Equal("additionalCidrs[0]", error.Field);
        Assert.Contains("gateway gw1 underlay 172.31.0.0/16", error.Message);
        Assert.Contains("172.31.5.0/24", error.Message);
    }

    [Fact]
    public void Validate_OverlayOnLoopback_IsRefused()
    {
        var settings = Reference() with { Overlays = [new OverlayNetwork("lo", Cidr.Parse("127.0.0.0/16"))] };

        var error = Assert.Single(GatewayGroupValidator.Validate(settings, Underlay));

        Assert.Equal("overlays[0].subnet", error.Field);
        Assert.Contains("reserved loopback", error.Message);
    }

    [Fact]
    public void Validate_BadFieldsEverywhere_ReportsEachFieldOnce()
    {
        var settings = Reference() with
        {
            Name = "bad name",
            Port = 70000,
            ClientBlockPrefixLength = 16,
            SessionLifetime = TimeSpan.FromSeconds(5),
            SearchDomains = ["apps.internal", "bad domain\n"],
            Nameservers = [IPAddress.Parse("224.0.0.1")],
            AdditionalCidrs = [Cidr.Parse("0.0.0.0/0")],
            Overlays =
            [
                new OverlayNetwork("multi-host-overlay", Cidr.Parse("10.0.0.0/16"), Join: new SwarmJoin("manager", "not-a-token")),
                new OverlayNetwork("multi-host-overlay", Cidr.Parse("10.1.0.0/16")),
            ],
        };

        var fields = GatewayGroupValidator.Validate(settings, Underlay).Select(e => e.Field).ToList();

        Assert.Equal(
            [
                "name", "port", "clientBlockPrefixLength", "sessionLifetime", "nameservers[0]", "searchDomains[1]", "additionalCidrs[0]",
                "overlays[0].join.managerAddress", "overlays[0].join.joinToken", "overlays[1].name",
            ],
            fields);
    }

    [Fact]
    public void Validate_MalformedJoinToken_NeverEchoesIt()
    {
        var secret = "SWMTKN-1-tooshort-secretpart";
        var settings = Reference() with { Overlays = [new OverlayNetwork("o", Cidr.Parse("10.0.0.0/16"), Join: new SwarmJoin("172.31.0.11:2377", secret))] };

        var error = Assert.Single(GatewayGroupValidator.Validate(settings, Underlay));

        Assert.DoesNotContain("secretpart", error.Message);
        Assert.DoesNotContain("secretpart", settings.Overlays[0].Join!.ToString());
    }

    [Fact]
    public void Validate_GoodJoin_IsAccepted()
    {
        var settings = Reference() with { Overlays = [new OverlayNetwork("o", Cidr.Parse("10.0.0.0/16"), Join: new SwarmJoin("172.31.0.11:2377", Token))] };

        Assert.Empty(GatewayGroupValidator.Validate(settings, Underlay));
    }
}
