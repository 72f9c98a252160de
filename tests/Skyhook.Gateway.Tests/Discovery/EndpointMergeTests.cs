using System.Net;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Gateway.Discovery;

namespace Skyhook.Gateway.Tests.Discovery;

public sealed class EndpointMergeTests
{
    private const string Node1 = "node-1";
    private const string Node2 = "node-2";
    private const string Api = "svc-api";

    private static readonly Dictionary<string, ServiceFacts> Services = new() { [Api] = new("api", new Dictionary<string, string> { ["team"] = "payments", ["tier"] = "service" }) };

    private static ObservedContainer Standalone(string id, string name, string address, string? node, params (string Key, string Value)[] labels) =>
        new(id, node, null, DiscoveredEndpoints.Create([IPAddress.Parse(address)], name, null, labels.Select(l => KeyValuePair.Create(l.Key, l.Value)), ["multi-host-overlay"]));

    private static ObservedContainer ApiTask(string id, int slot, string address, string node, params (string Key, string Value)[] labels) =>
        new(id, node, Api, DiscoveredEndpoints.Create([IPAddress.Parse(address)], $"api.{slot}.task{slot}", "api", labels.Select(l => KeyValuePair.Create(l.Key, l.Value)), ["multi-host-overlay"]));

    private static ObservedContainer WithAliases(ObservedContainer container, params string[] aliases) =>
        container with { Endpoint = container.Endpoint with { Aliases = aliases } };

    private static EngineView Manager(string node, IReadOnlyList<ObservedContainer> containers, IReadOnlyList<ObservedContainer> tasks) =>
        new(node, containers, new SwarmView(Services, tasks));

    private static string Describe(IReadOnlyList<DiscoveredEndpoint> endpoints) =>
        string.Join(" | ", endpoints.Select(e => $"{e.Facts.Container} {string.Join(",", e.Addresses)} {e.Facts.Service} {string.Join(",", e.Facts.Labels.Select(l => l.Key + "=" + l.Value))}"));

    [Fact]
    public void Merge_TaskSeenByItsEngineAndTheManager_OneEntryWithServiceLabelsUnderContainerLabels()
    {
        var task = ApiTask("c-api1", 1, "10.0.0.6", Node2, ("tier", "backend"));
        var readings = new[]
        {
            new EngineReading(Manager(Node1, [], [task]), true),
            new EngineReading(new EngineView(Node2, [task], null), true),
        };

        var endpoints = EndpointMerge.Merge(readings);

        Assert.Equal("api.1.task1 10.0.0.6 api team=payments,tier=backend", Describe(endpoints));
    }

    [Fact]
    public void Merge_TaskSeenByItsEngineAndTheManager_UnionOfAliases()
    {
        var task = ApiTask("c-api1", 1, "10.0.0.6", Node2);
        var readings = new[]
        {
            new EngineReading(Manager(Node1, [], [WithAliases(task, "backend", "api-main")]), true),
            new EngineReading(new EngineView(Node2, [WithAliases(task, "4e191cc7e0a1", "backend")], null), true),
        };

        var endpoint = Assert.Single(EndpointMerge.Merge(readings));

        Assert.Equal(["4e191cc7e0a1", "api-main", "backend"], endpoint.Aliases);
    }

    [Fact]
    public void Merge_StandaloneWithAliases_KeptWithoutService()
    {
        var web1 = WithAliases(Standalone("c-web1", "web1", "10.0.0.2", Node1), "056c48a0d1e2", "www");

        var endpoint = Assert.Single(EndpointMerge.Merge([new(new EngineView(Node1, [web1], null), true)]));

        Assert.Equal(["056c48a0d1e2", "www"], endpoint.Aliases);
    }

    [Fact]
    public void Merge_TasksOnNodesWithoutWatchedEngine_FromTheManager()
    {
        var api2 = ApiTask("c-api2", 2, "10.0.0.7", Node1);
        var readings = new[]
        {
            new EngineReading(Manager(Node1, [Standalone("c-web1", "web1", "10.0.0.2", Node1), api2], [ApiTask("c-api1", 1, "10.0.0.6", Node2), api2]), true),
        };

        var endpoints = EndpointMerge.Merge(readings);

        Assert.Equal(["api.1.task1", "api.2.task2", "web1"], endpoints.Select(e => e.Facts.Container));
    }

    [Fact]
    public void Merge_ManagerStillListsTaskTheLiveEngineNoLongerRuns_EngineWins()
    {
        // The worker reported the container gone; the manager has not caught up yet.
        var readings = new[]
        {
            new EngineReading(Manager(Node1, [], [ApiTask("c-old", 1, "10.0.0.6", Node2)]), true),
            new EngineReading(new EngineView(Node2, [], null), true),
        };

        Assert.Empty(EndpointMerge.Merge(readings));
    }

    [Fact]
    public void Merge_EngineDown_KeepsItsStandaloneContainersButTheManagerSpeaksForTasks()
    {
        var readings = new[]
        {
            new EngineReading(Manager(Node1, [], [ApiTask("c-new", 1, "10.0.0.40", "node-3")]), true),
            new EngineReading(new EngineView(Node2, [Standalone("c-web2", "web2", "10.0.0.4", Node2), ApiTask("c-old", 1, "10.0.0.6", Node2)], null), false),
        };

        var endpoints = EndpointMerge.Merge(readings);

        Assert.Equal(["api.1.task1 10.0.0.40", "web2 10.0.0.4"], endpoints.Select(e => $"{e.Facts.Container} {e.Addresses[0]}"));
    }

    [Fact]
    public void Merge_ManagerDown_ItsLastKnownTasksStayForNodesNobodyElseSpeaksFor()
    {
        var readings = new[]
        {
            new EngineReading(Manager(Node1, [], [ApiTask("c-1", 1, "10.0.0.6", Node2), ApiTask("c-2", 2, "10.0.0.7", Node1)]), false),
            new EngineReading(new EngineView(Node2, [], null), true),
        };

        Assert.Equal(["api.2.task2"], EndpointMerge.Merge(readings).Select(e => e.Facts.Container));
    }

    [Fact]
    public void Merge_SameContainersInAnyOrder_EqualSortedLists()
    {
        var web1 = Standalone("c-web1", "web1", "10.0.0.2", Node1, ("team", "payments"), ("a", "b"));
        var web2 = Standalone("c-web2", "web2", "10.0.0.4", Node2, ("team", "frontend"));
        var api = ApiTask("c-api1", 1, "10.0.0.6", Node2);

        var first = EndpointMerge.Merge([new(Manager(Node1, [web1], [api]), true), new(new EngineView(Node2, [web2, api], null), true)]);
        var second = EndpointMerge.Merge([new(new EngineView(Node2, [api, web2], null), true), new(Manager(Node1, [web1], [api]), true)]);

        Assert.True(EndpointComparer.SameEndpoints(first, second));
        Assert.Equal(["api.1.task1", "web1", "web2"], first.Select(e => e.Facts.Container));
        Assert.False(EndpointComparer.SameEndpoints(first, EndpointMerge.Merge([new(Manager(Node1, [web1], [api]), true)])));
    }

    [Fact]
    public void SameEndpoints_DifferentAddressOrLabel_NotEqual()
    {
        var web1 = Standalone("c", "web1", "10.0.0.2", null, ("team", "payments")).Endpoint;
        var moved = Standalone("c", "web1", "10.0.0.3", null, ("team", "payments")).Endpoint;
        var relabelled = Standalone("c", "web1", "10.0.0.2", null, ("team", "frontend")).Endpoint;
        var again = Standalone("c2", "web1", "10.0.0.2", null, ("team", "payments")).Endpoint;

        Assert.False(EndpointComparer.SameEndpoints([web1], [moved]));
        Assert.False(EndpointComparer.SameEndpoints([web1], [relabelled]));
        Assert.True(EndpointComparer.SameEndpoints([web1], [again]));
        Assert.Equal(EndpointComparer.Instance.GetHashCode(web1), EndpointComparer.Instance.GetHashCode(again));
    }

    [Fact]
    public void SameEndpoints_NewAlias_NotEqual()
    {
        var web1 = WithAliases(Standalone("c", "web1", "10.0.0.2", null), "www").Endpoint;
        var aliased = WithAliases(Standalone("c", "web1", "10.0.0.2", null), "shop", "www").Endpoint;

        Assert.False(EndpointComparer.SameEndpoints([web1], [aliased]));
        Assert.NotEqual(0, EndpointComparer.Instance.Compare(web1, aliased));
        Assert.True(EndpointComparer.SameEndpoints([aliased], [WithAliases(Standalone("c", "web1", "10.0.0.2", null), "shop", "www").Endpoint]));
    }

    [Fact]
    public void Create_AddressesAndNetworks_DistinctAndSortedIPv4First()
    {
        var endpoint = DiscoveredEndpoints.Create(
            [IPAddress.Parse("fd00::1"), IPAddress.Parse("10.0.0.10"), IPAddress.Parse("10.0.0.9"), IPAddress.Parse("10.0.0.9")],
            "c", null, [], ["b", "a", "b"]);

        Assert.Equal(["10.0.0.9", "10.0.0.10", "fd00::1"], endpoint.Addresses.Select(a => a.ToString()));
        Assert.Equal(["a", "b"], endpoint.Facts.Networks);
    }

    [Fact]
    public void Create_Aliases_LowercaseDistinctSorted()
    {
        var endpoint = DiscoveredEndpoints.Create([IPAddress.Parse("10.0.0.9")], "c", null, [], ["a"], ["Web", "db", "web", "API"]);

        Assert.Equal(["api", "db", "web"], endpoint.Aliases);
    }
}
