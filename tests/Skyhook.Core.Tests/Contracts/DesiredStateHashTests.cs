using System.Text.Json;
using Skyhook.Core.Contracts;

namespace Skyhook.Core.Tests.Contracts;

public sealed class DesiredStateHashTests
{
    private static DesiredState State(long revision, string rule) => new(
        ContractVersion.Current,
        revision,
        "",
        new GatewayAssignment("gw1", "192.168.43.0/24", "198.51.100.11"),
        new GroupDocument("default", "udp", 1194, "split", [], ["10.0.0.2"], ["apps.internal"], 43200,
            [new OverlayDocument("multi-host-overlay", "10.0.0.0/16", true, null, null)]),
        [new ProfileDocument("developers", "deny-all", [rule])],
        [new UserDocument("alice", "developers", true)]);

    [Fact]
    public void Compute_SameContentOtherRevision_SameHash() =>
        Assert.Equal(DesiredStateHash.Compute(State(1, "allow container web1 tcp 80")), DesiredStateHash.Compute(State(7, "allow container web1 tcp 80")));

    [Fact]
    public void Compute_OneRuleChanged_OtherHash() =>
        Assert.NotEqual(DesiredStateHash.Compute(State(1, "allow container web1 tcp 80")), DesiredStateHash.Compute(State(1, "allow container web1 tcp 8080")));

    [Fact]
    public void Compute_HideUnreachableNamesFlipped_OtherHash()
    {
        var state = State(1, "allow container web1 tcp 80");

        Assert.True(state.Group.HideUnreachableNames);
        Assert.NotEqual(DesiredStateHash.Compute(state), DesiredStateHash.Compute(state with { Group = state.Group with { HideUnreachableNames = false } }));
    }

    [Fact]
    public void Deserialize_GroupDocumentWithoutHideUnreachableNames_ReadsAsTrue()
    {
        // As an older controller writes it, and as a gateway's cache from before holds it.
        var json = """{"name":"default","transport":"udp","port":1194,"tunnelMode":"split","additionalCidrs":[],"nameservers":[],"searchDomains":[],"sessionLifetimeSeconds":43200,"overlays":[]}""";

        var group = JsonSerializer.Deserialize<GroupDocument>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        Assert.True(group.HideUnreachableNames);
    }

    [Fact]
    public void Compute_TwoGatewaysOfOneGroup_SameHash() =>
        Assert.Equal(
            DesiredStateHash.Compute(State(4, "allow container web1 tcp 80")),
            DesiredStateHash.Compute(State(4, "allow container web1 tcp 80") with { Gateway = new GatewayAssignment("gw2", "192.168.44.0/24", "198.51.100.12") }));

    [Fact]
    public void Seal_FillsTheHashItselfIgnores()
    {
        var sealedState = DesiredStateHash.Seal(State(3, "allow container web1 tcp 80"));

        Assert.Equal(64, sealedState.Hash.Length);
        Assert.Equal(sealedState.Hash, DesiredStateHash.Compute(sealedState));
    }

    [Fact]
    public void ToString_SecretsInContracts_AreMasked()
    {
        var texts = new object[]
        {
            new VpnAuthRequest("alice", "hunter2-password", "123456", "session-secret", "198.51.100.101", "2.6.14"),
            new VpnAuthDecision(true, null, "developers", "session-secret", null, null),
            new EnrollmentRequest("join-secret", "gw1", "198.51.100.11", "csr"),
            new EnrollmentResponse("gw1", "default", "credential-secret", "cert", "ca"),
            new OverlayDocument("o", "10.0.0.0/16", true, "172.31.0.11:2377", "SWMTKN-1-swarm-secret"),
        }.Select(o => o.ToString()!);

        Assert.All(texts, text =>
        {
            Assert.DoesNotContain("secret", text);
            Assert.DoesNotContain("hunter2", text);
            Assert.DoesNotContain("123456", text);
        });
    }
}
