using System.Net;
using Skyhook.Core.Dns;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Core.Tests.Dns;

public sealed class OverlayNameTableTests
{
    private static readonly string[] Domains = ["apps.internal", "corp.example"];

    // The lab's workloads: web1 (team=payments) and web2 standalone, service api with two tasks.
    private static readonly DiscoveredEndpoint Web1 = Endpoint(["10.0.0.12"], "web1", null, ("team", "payments")) with { Aliases = ["056c48a0d1e2", "www"] };
    private static readonly DiscoveredEndpoint Web2 = Endpoint(["10.0.0.13"], "web2", null, ("team", "frontend")) with { Aliases = ["www"] };
    private static readonly DiscoveredEndpoint Api1 = Endpoint(["10.0.0.6"], "api.1.opngmd2819j5", "api", ("team", "payments"));
    private static readonly DiscoveredEndpoint Api2 = Endpoint(["10.0.2.7"], "api.2.w2dldvcvwww1", "api", ("team", "payments"));

    private static readonly OverlayNameTable Lab = OverlayNameTable.Build([Web1, Web2, Api1, Api2], Domains);

    [Theory]
    [InlineData("web1", "10.0.0.12")]
    [InlineData("web1.apps.internal", "10.0.0.12")]
    [InlineData("web1.corp.example", "10.0.0.12")]
    [InlineData("056c48a0d1e2", "10.0.0.12")]
    [InlineData("www.corp.example", "10.0.0.12,10.0.0.13")]
    [InlineData("api", "10.0.0.6,10.0.2.7")]
    [InlineData("api.apps.internal", "10.0.0.6,10.0.2.7")]
    [InlineData("tasks.api", "10.0.0.6,10.0.2.7")]
    [InlineData("tasks.api.apps.internal", "10.0.0.6,10.0.2.7")]
    [InlineData("api.2.w2dldvcvwww1.corp.example", "10.0.2.7")]
    public void Find_OverlayNames_AllTheirAddresses(string name, string expected)
    {
        Assert.Equal(expected, string.Join(',', Lab.Find(name)!));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("apps.internal")]
    [InlineData("web1.other.internal")]
    [InlineData("tasks.web1")]
    [InlineData("tasks")]
    [InlineData("")]
    public void Find_OtherNames_Null(string name)
    {
        Assert.Null(Lab.Find(name));
    }

    [Fact]
    public void NameCount_EveryNameBareAndUnderEachDomain()
    {
        // web1, web2, www, 056c48a0d1e2, api, tasks.api and the two task containers, three forms each.
        Assert.Equal(8 * 3, Lab.NameCount);
    }

    [Fact]
    public void Build_MixedCaseNames_StoredLowercaseFoundEitherWay()
    {
        var table = OverlayNameTable.Build([Endpoint(["10.0.0.2"], "Web1", "Shop") with { Aliases = ["WWW"] }], Domains);

        Assert.Equal([IPAddress.Parse("10.0.0.2")], table.Find("web1.apps.internal"));
        Assert.Equal([IPAddress.Parse("10.0.0.2")], table.Find("tasks.shop"));
        Assert.Equal([IPAddress.Parse("10.0.0.2")], table.Find("www"));
        Assert.Equal([IPAddress.Parse("10.0.0.2")], table.Find("WEB1"));
    }

    [Fact]
    public void Build_NameFromSeveralEndpoints_UnionIPv4FirstEachOnce()
    {
        var a = Endpoint(["fd00::5", "10.0.0.9"], "a") with { Aliases = ["shared"] };
        var b = Endpoint(["10.0.0.3", "fd00::1"], "b") with { Aliases = ["shared"] };
        // A second endpoint claiming an address already given counts it once.
        var c = Endpoint(["10.0.0.9"], "c") with { Aliases = ["shared"] };

        var table = OverlayNameTable.Build([a, b, c], []);

        Assert.Equal("10.0.0.3,10.0.0.9,fd00::1,fd00::5", string.Join(',', table.Find("shared")!));
        Assert.Same(table.Find("shared"), table.Find("shared"));
    }

    [Fact]
    public void Build_NameAndAnotherNameUnderADomain_Union()
    {
        // Container "db.corp" and container "db" under search domain "corp" are one name.
        var table = OverlayNameTable.Build([Endpoint(["10.0.0.4"], "db.corp"), Endpoint(["10.0.0.3"], "db")], ["corp"]);

        Assert.Equal("10.0.0.3,10.0.0.4", string.Join(',', table.Find("db.corp")!));
        Assert.Equal("10.0.0.3", string.Join(',', table.Find("db")!));
    }

    [Fact]
    public void Build_InvalidNames_Skipped()
    {
        var label64 = new string('a', 64);
        var long250 = string.Join('.', Enumerable.Repeat(new string('b', 49), 5));
        var table = OverlayNameTable.Build(
            [Endpoint(["10.0.0.2"], "ok") with { Aliases = [label64, "a..b", ".lead", "trail.", "sp ace", "ü-name", "x+y", long250, "under_score"] }],
            ["apps.internal"]);

        Assert.Null(table.Find(label64));
        Assert.Null(table.Find("a..b"));
        Assert.Null(table.Find(".lead"));
        Assert.Null(table.Find("trail."));
        Assert.Null(table.Find("sp ace"));
        Assert.Null(table.Find("ü-name"));
        Assert.Null(table.Find("x+y"));
        // The bare name fits in 253 characters, its search-domain form does not.
        Assert.NotNull(table.Find(long250));
        Assert.Null(table.Find(long250 + ".apps.internal"));
        Assert.NotNull(table.Find("under_score.apps.internal"));
        Assert.NotNull(table.Find("ok"));
    }

    [Fact]
    public void Empty_FindsNothing()
    {
        Assert.Null(OverlayNameTable.Empty.Find("web1"));
        Assert.Null(OverlayNameTable.Empty.For(Profile("deny-all")).Find("web1"));
        Assert.Equal(0, OverlayNameTable.Empty.NameCount);
    }

    [Fact]
    public void For_OneAllowedContainer_SeesItOtherOverlayNamesEmptyNotNull()
    {
        var view = Lab.For(Profile("deny-all", "allow container web1 tcp 80"));

        Assert.Equal([IPAddress.Parse("10.0.0.12")], view.Find("web1"));
        Assert.Equal([IPAddress.Parse("10.0.0.12")], view.Find("web1.corp.example"));
        Assert.Equal([IPAddress.Parse("10.0.0.12")], view.Find("www"));
        Assert.Empty(view.Find("api")!);
        Assert.Empty(view.Find("tasks.api.apps.internal")!);
        Assert.Empty(view.Find("web2")!);
        Assert.Null(view.Find("example.com"));
    }

    [Fact]
    public void For_ServiceHalfReachable_OnlyReachableTasks()
    {
        var view = Lab.For(Profile("deny-all", "allow cidr 10.0.2.0/24 tcp 8080"));

        Assert.Equal([IPAddress.Parse("10.0.2.7")], view.Find("api"));
        Assert.Equal([IPAddress.Parse("10.0.2.7")], view.Find("tasks.api.corp.example"));
        Assert.Empty(view.Find("api.1.opngmd2819j5")!);
    }

    [Fact]
    public void For_LabelRule_ByTheAddressesContainerFacts()
    {
        var view = Lab.For(Profile("deny-all", "allow label team=payments all"));

        Assert.Equal("10.0.0.6,10.0.2.7", string.Join(',', view.Find("api")!));
        Assert.Equal("10.0.0.12", string.Join(',', view.Find("www")!));
        Assert.Empty(view.Find("web2")!);
    }

    [Fact]
    public void For_AllowAllWithDenies_HidesOnlyWhatIsFullyDenied()
    {
        var view = Lab.For(Profile("allow-all", "deny container web2 all", "deny service api tcp 22"));

        Assert.Empty(view.Find("web2")!);
        Assert.Equal("10.0.0.12", string.Join(',', view.Find("www")!));
        Assert.Equal("10.0.0.6,10.0.2.7", string.Join(',', view.Find("api")!));
    }

    [Fact]
    public void For_NullProfile_EmptyForOverlayNamesNullForOthers()
    {
        var view = Lab.For(null);

        Assert.Empty(view.Find("web1")!);
        Assert.Empty(view.Find("tasks.api.apps.internal")!);
        Assert.Null(view.Find("example.com"));
    }

    [Fact]
    public void For_SameProfileInstance_SameView_EqualButOtherInstance_OwnView()
    {
        var profile = Profile("deny-all", "allow container web1 tcp 80");

        Assert.Same(Lab.For(profile), Lab.For(profile));
        Assert.NotSame(Lab.For(profile), Lab.For(Profile("deny-all", "allow container web1 tcp 80")));
    }

    [Fact]
    public void For_ConcurrentCallers_OneView()
    {
        var table = OverlayNameTable.Build([Web1, Web2, Api1, Api2], Domains);
        var profile = Profile("deny-all", "allow service api tcp");
        var views = new OverlayNameView[16];
        using var start = new Barrier(views.Length);

        // Threads of their own: a barrier on pool threads would wait for the pool to grow.
        var threads = Enumerable.Range(0, views.Length).Select(i => new Thread(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            views[i] = table.For(profile);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Single(views.Distinct());
        Assert.Equal("10.0.0.6,10.0.2.7", string.Join(',', views[0].Find("tasks.api")!));
    }

    [Fact]
    public void Find_ViewAlreadyBuilt_AllocatesNothing()
    {
        var profile = Profile("deny-all", "allow container web1 tcp 80");
        Lab.For(profile).Find("web1");

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _ = Lab.Find("tasks.api.apps.internal");
            _ = Lab.For(profile).Find("web1.corp.example");
            _ = Lab.For(profile).Find("example.com");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static AccessProfile Profile(string basePolicy, params string[] rules) =>
        new("p", PolicyText.ParseBasePolicy(basePolicy), rules.Select(AccessRule.Parse).ToArray());

    private static DiscoveredEndpoint Endpoint(string[] addresses, string container, string? service = null, params (string Key, string Value)[] labels) =>
        new(
            addresses.Select(IPAddress.Parse).ToArray(),
            new EndpointFacts(container, service, labels.ToDictionary(l => l.Key, l => l.Value), ["multi-host-overlay"]));
}
