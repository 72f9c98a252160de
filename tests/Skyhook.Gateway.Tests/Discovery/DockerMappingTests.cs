using System.Net;
using Docker.DotNet.Models;
using Skyhook.Gateway.Discovery;
using Skyhook.Gateway.Overlay;
using static Skyhook.Gateway.Tests.Discovery.DockerModels;

namespace Skyhook.Gateway.Tests.Discovery;

public sealed class DockerMappingTests
{
    [Fact]
    public void Containers_StandaloneOnOverlay_NameWithoutSlashLabelsAddressNetwork()
    {
        var web1 = Container("056c48a0", "web1", new() { ["team"] = "payments", ["skyhook.lab"] = "dsk" }, ("multi-host-overlay", OverlayId, "10.0.0.2"));

        var observed = Assert.Single(DockerMapping.Containers([web1], [OverlayNetwork(), Bridge()], Node1));

        Assert.Equal(("056c48a0", Node1, (string?)null), (observed.Id, observed.NodeId, observed.ServiceId));
        Assert.Equal([IPAddress.Parse("10.0.0.2")], observed.Endpoint.Addresses);
        var facts = observed.Endpoint.Facts;
        Assert.Equal("web1", facts.Container);
        Assert.Null(facts.Service);
        Assert.Equal(["skyhook.lab", "team"], facts.Labels.Keys);
        Assert.Equal("payments", facts.Labels["team"]);
        Assert.Equal(["multi-host-overlay"], facts.Networks);
    }

    [Fact]
    public void Containers_TaskContainer_ServiceFromLabelsAndSwarmLabelsDropped()
    {
        var task = Container("4e191cc7", "api.2.w2dldvcvwww156h3orh3mxutb", new()
        {
            ["com.docker.swarm.node.id"] = Node1,
            ["com.docker.swarm.service.id"] = ServiceId,
            ["com.docker.swarm.service.name"] = "api",
            ["com.docker.swarm.task"] = "",
            ["com.docker.swarm.task.id"] = "w2dldvcvwww156h3orh3mxutb",
            ["com.docker.swarm.task.name"] = "api.2.w2dldvcvwww156h3orh3mxutb",
            ["team"] = "payments",
        }, ("multi-host-overlay", OverlayId, "10.0.0.7"));

        var observed = Assert.Single(DockerMapping.Containers([task], [OverlayNetwork()], Node1));

        Assert.Equal(ServiceId, observed.ServiceId);
        Assert.Equal(("api.2.w2dldvcvwww156h3orh3mxutb", "api"), (observed.Endpoint.Facts.Container, observed.Endpoint.Facts.Service));
        Assert.Equal(["team"], observed.Endpoint.Facts.Labels.Keys);
    }

    [Fact]
    public void Containers_BridgeAndIngressAddresses_NotEndpoints()
    {
        var both = Container("c1", "both", [], ("bridge", "b1", "172.17.0.2"), ("multi-host-overlay", OverlayId, "10.0.0.9"));
        var bridgeOnly = Container("c2", "local", [], ("bridge", "b1", "172.17.0.3"));
        var ingressOnly = Container("c3", "published", [], ("ingress", "ing", "10.200.0.5"));

        var observed = Assert.Single(DockerMapping.Containers([both, bridgeOnly, ingressOnly], [OverlayNetwork(), Bridge(), OverlayNetwork("ingress", "ing", ingress: true)], null));

        Assert.Equal("both", observed.Endpoint.Facts.Container);
        Assert.Equal([IPAddress.Parse("10.0.0.9")], observed.Endpoint.Addresses);
        Assert.Equal(["multi-host-overlay"], observed.Endpoint.Facts.Networks);
    }

    [Fact]
    public void Containers_TwoOverlaysAndIPv6_AllAddressesSortedIPv4First()
    {
        var container = Container("c1", "multi", [], ("zeta", "z", "10.9.0.4"), ("alpha", "a", "10.1.0.4"));
        container.NetworkSettings.Networks["alpha"].GlobalIPv6Address = "fd00::4";

        var observed = Assert.Single(DockerMapping.Containers([container], [OverlayNetwork("zeta", "z"), OverlayNetwork("alpha", "a")], null));

        Assert.Equal(["10.1.0.4", "10.9.0.4", "fd00::4"], observed.Endpoint.Addresses.Select(a => a.ToString()));
        Assert.Equal(["alpha", "zeta"], observed.Endpoint.Facts.Networks);
    }

    [Fact]
    public void Containers_EndpointWithoutNetworkId_MatchedByName()
    {
        var container = Container("c1", "old", [], ("multi-host-overlay", "", "10.0.0.20"));

        Assert.Single(DockerMapping.Containers([container], [OverlayNetwork()], null));
    }

    [Fact]
    public void Containers_AliasesByContainerId_CanonicalOnItsEndpoint()
    {
        var web1 = Container("056c48a0", "web1", [], ("multi-host-overlay", OverlayId, "10.0.0.2"));
        var web2 = Container("7a1b2c3d", "web2", [], ("multi-host-overlay", OverlayId, "10.0.0.3"));
        var aliases = new Dictionary<string, IReadOnlyList<string>> { ["056c48a0"] = ["WWW", "056c48a0d1e2", "www"] };

        var observed = DockerMapping.Containers([web1, web2], [OverlayNetwork()], null, aliases);

        Assert.Equal(["056c48a0d1e2", "www"], observed.Single(o => o.Id == "056c48a0").Endpoint.Aliases);
        Assert.Empty(observed.Single(o => o.Id == "7a1b2c3d").Endpoint.Aliases);
    }

    [Fact]
    public void OverlayAliases_Inspected_OnlyFromOverlaysNotBridgeOrIngress()
    {
        // Shaped like `docker inspect` of a container on the overlay (by id), a user bridge (by name only) and ingress.
        var inspected = new ContainerInspectResponse
        {
            ID = "056c48a0d1e2f3a4",
            NetworkSettings = new NetworkSettings
            {
                Networks = new Dictionary<string, EndpointSettings>
                {
                    ["multi-host-overlay"] = new() { NetworkID = OverlayId, IPAddress = "10.0.0.2", Aliases = ["web", "056c48a0d1e2"] },
                    ["backend"] = new() { NetworkID = "", IPAddress = "10.1.0.2", Aliases = ["db-client"] },
                    ["local"] = new() { NetworkID = "b2", IPAddress = "172.18.0.2", Aliases = ["local-only", "056c48a0d1e2"] },
                    ["ingress"] = new() { NetworkID = "ing", IPAddress = "10.200.0.5", Aliases = ["published"] },
                },
            },
        };
        NetworkResponse[] networks = [OverlayNetwork(), OverlayNetwork("backend", "bk"), new() { ID = "b2", Name = "local", Driver = "bridge" }, OverlayNetwork("ingress", "ing", ingress: true)];

        Assert.Equal(["web", "056c48a0d1e2", "db-client"], DockerMapping.OverlayAliases(inspected, networks));
    }

    [Fact]
    public void Swarm_TaskNetworkAliases_ByNetworkIdOrName()
    {
        var byId = Task("t1", 1, Node2, "c1", [], "10.0.0.6/16");
        byId.Spec.Networks = [new NetworkAttachmentConfig { Target = OverlayId, Aliases = ["Backend", "api-v1"] }, new NetworkAttachmentConfig { Target = "other-net", Aliases = ["elsewhere"] }];
        var byName = Task("t2", 2, Node1, "c2", [], "10.0.0.7/16");
        byName.Spec.Networks = [new NetworkAttachmentConfig { Target = "multi-host-overlay", Aliases = ["backend"] }];
        var none = Task("t3", 3, Node1, "c3", [], "10.0.0.8/16");

        var tasks = DockerMapping.Swarm([Service(ServiceId, "api", [])], [byId, byName, none]).Tasks.ToDictionary(t => t.Id);

        Assert.Equal(["api-v1", "backend"], tasks["c1"].Endpoint.Aliases);
        Assert.Equal(["backend"], tasks["c2"].Endpoint.Aliases);
        Assert.Empty(tasks["c3"].Endpoint.Aliases);
    }

    [Fact]
    public void Containers_GatewayAnchor_Skipped()
    {
        var anchor = Container("a1", OverlayNames.AnchorContainer("multi-host-overlay"), new() { [OverlayNames.AnchorLabel] = "multi-host-overlay" }, ("multi-host-overlay", OverlayId, "10.0.0.10"));

        Assert.Empty(DockerMapping.Containers([anchor], [OverlayNetwork()], null));
    }

    [Fact]
    public void Swarm_RunningTask_ContainerNameFromSlotAddressWithoutPrefix()
    {
        var swarm = DockerMapping.Swarm(
            [Service(ServiceId, "api", new() { ["team"] = "payments" })],
            [Task("opngmd2819j5xu1t6t44u75j8", 1, Node2, "12a806e9", new() { ["tier"] = "backend" }, "10.0.0.6/16")]);

        Assert.Equal("api", swarm.Services[ServiceId].Name);
        Assert.Equal("payments", swarm.Services[ServiceId].Labels["team"]);
        var task = Assert.Single(swarm.Tasks);
        Assert.Equal(("12a806e9", Node2, ServiceId), (task.Id, task.NodeId, task.ServiceId));
        Assert.Equal("api.1.opngmd2819j5xu1t6t44u75j8", task.Endpoint.Facts.Container);
        Assert.Equal("api", task.Endpoint.Facts.Service);
        Assert.Equal([IPAddress.Parse("10.0.0.6")], task.Endpoint.Addresses);
        Assert.Equal(["tier"], task.Endpoint.Facts.Labels.Keys);
        Assert.Equal(["multi-host-overlay"], task.Endpoint.Facts.Networks);
    }

    [Fact]
    public void Swarm_GlobalTask_ContainerNameFromNode()
    {
        var task = Task("t1", 0, Node2, "c1", [], "10.0.0.6/16");

        Assert.Equal($"agent.{Node2}.t1", DockerMapping.TaskContainerName("agent", task));
    }

    [Fact]
    public void Swarm_TasksNotRunningWithoutContainerOrOnlyOnIngress_Skipped()
    {
        var starting = Task("t1", 1, Node1, "c1", [], "10.0.0.30/16");
        starting.Status.State = TaskState.Starting;
        var noContainer = Task("t2", 2, Node1, "", [], "10.0.0.31/16");
        var ingress = Task("t3", 3, Node1, "c3", [], "10.200.0.4/24");
        ingress.NetworksAttachments[0].Network.Spec = new NetworkSpec { Name = "ingress", Ingress = true };
        var otherService = Task("t4", 1, Node1, "c4", [], "10.0.0.33/16");
        otherService.ServiceID = "gone";

        var swarm = DockerMapping.Swarm([Service(ServiceId, "api", [])], [starting, noContainer, ingress, otherService]);

        Assert.Empty(swarm.Tasks);
    }
}
