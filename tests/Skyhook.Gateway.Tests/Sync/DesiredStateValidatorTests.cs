using Skyhook.Core.Contracts;
using Skyhook.Core.Groups;
using Skyhook.Core.Vpn;
using Skyhook.Gateway.Sync;

namespace Skyhook.Gateway.Tests.Sync;

public sealed class DesiredStateValidatorTests
{
    [Fact]
    public void Validate_SeedShapedState_ParsesEveryField()
    {
        var state = DesiredStateValidator.Validate(States.Valid(7), out var errors);

        Assert.Empty(errors);
        Assert.NotNull(state);
        Assert.Equal(7, state.Revision);
        Assert.Equal("192.168.43.0/24", state.ClientBlock.ToString());
        Assert.Equal((VpnTransport.Udp, TunnelMode.Split), (state.Transport, state.TunnelMode));
        Assert.Equal("10.0.0.0/16", Assert.Single(state.Overlays).Subnet.ToString());
        Assert.Equal("10.0.0.2", Assert.Single(state.Nameservers).ToString());
        Assert.Equal(["apps.internal"], state.SearchDomains);
        Assert.True(state.HideUnreachableNames);
        Assert.Equal(2, state.Profiles["dev"].Rules.Count);
        Assert.True(state.IsUserEnabled("ALICE"));
        Assert.False(state.IsUserEnabled("bob"));
        Assert.False(state.IsUserEnabled("carol"));
    }

    [Fact]
    public void Validate_SearchDomainsInAnySpelling_LowercaseWithoutTrailingDotEachOnce()
    {
        var state = DesiredStateValidator.Validate(
            States.Valid().With(s => s with { Group = s.Group with { SearchDomains = ["Apps.Internal.", "apps.internal", "SVC.example"] } }), out var errors);

        Assert.Empty(errors);
        Assert.Equal(["apps.internal", "svc.example"], state!.SearchDomains);
    }

    [Fact]
    public void Validate_HideUnreachableNamesOff_Carried()
    {
        var state = DesiredStateValidator.Validate(
            States.Valid().With(s => s with { Group = s.Group with { HideUnreachableNames = false } }), out var errors);

        Assert.Empty(errors);
        Assert.False(state!.HideUnreachableNames);
    }

    public static TheoryData<string, Func<DesiredState, DesiredState>> Broken => new()
    {
        { "clientBlock", s => s with { Gateway = s.Gateway with { ClientBlock = "192.168.43.0/33" } } },
        { "clientBlock", s => s with { Gateway = s.Gateway with { ClientBlock = "192.168.43.0/30" } } },
        { "additionalCidrs", s => s with { Group = s.Group with { AdditionalCidrs = ["10.20.0.0/16", "10.300.0.0/16"] } } },
        { "overlays[multi-host-overlay].subnet", s => s with { Group = s.Group with { Overlays = [new OverlayDocument("multi-host-overlay", "10.0.0.1/16", true, null, null)] } } },
        { "nameservers", s => s with { Group = s.Group with { Nameservers = ["dns.example"] } } },
        { "searchDomains", s => s with { Group = s.Group with { SearchDomains = ["bad domain"] } } },
        { "searchDomains", s => s with { Group = s.Group with { SearchDomains = ["apps.internal.."] } } },
        { "searchDomains", s => s with { Group = s.Group with { SearchDomains = ["."] } } },
        { "transport", s => s with { Group = s.Group with { Transport = "sctp" } } },
        { "port", s => s with { Group = s.Group with { Port = 0 } } },
        { "rules[2]", s => s with { Profiles = [new ProfileDocument("dev", "deny-all", ["allow container web1 tcp 80", "allow cidr 10.0.3.0/24 tcp 99999"])] } },
        { "basePolicy", s => s with { Profiles = [new ProfileDocument("dev", "allow-some", [])] } },
        { "is not a profile", s => s with { Users = [new UserDocument("alice", "ops", true)] } },
        { "appears twice", s => s with { Users = [new UserDocument("alice", "dev", true), new UserDocument("Alice", "dev", false)] } },
        { "contract version", s => s with { ContractVersion = 2 } },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Validate_OneBadField_RejectsTheWholeStateNamingIt(string field, Func<DesiredState, DesiredState> breakIt)
    {
        var state = DesiredStateValidator.Validate(States.Valid().With(breakIt), out var errors);

        Assert.Null(state);
        Assert.Contains(errors, e => e.Contains(field, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var broken = States.Valid().With(s => s with
        {
            Gateway = s.Gateway with { ClientBlock = "nope" },
            Group = s.Group with { TunnelMode = "sideways" },
        });

        Assert.Null(DesiredStateValidator.Validate(broken, out var errors));
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Validate_HashNotHex_Rejected()
    {
        Assert.Null(DesiredStateValidator.Validate(States.Valid() with { Hash = "not-a-hash" }, out var errors));
        Assert.Contains(errors, e => e.Contains("hash", StringComparison.Ordinal));
    }
}
