using System.Text.Json;
using Skyhook.Lab;

namespace Skyhook.Lab.Tests;

[Collection("lab")]
public sealed class LabTests(LabFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Up_ContainerOnNode1_FetchesWeb2OnNode2ByNameAndByOverlayAddress()
    {
        var lab = fixture.Lab;
        var status = await lab.StatusAsync(Cancel);
        var web1 = status.Workloads.Single(w => w.Name == "web1");
        var web2 = status.Workloads.Single(w => w.Name == "web2");
        Assert.Equal("n1", web1.Machine);
        Assert.Equal("n2", web2.Machine);

        var byName = await lab.DockerAsync(1, ["exec", "web1", "timeout", "5", "wget", "-qO-", "http://web2/"], Cancel);
        var byAddress = await lab.DockerAsync(1, ["exec", "web1", "timeout", "5", "wget", "-qO-", $"http://{web2.OverlayAddress}:8080/"], Cancel);

        Assert.Equal("hello from web2", byName.StandardOutput.Trim());
        Assert.Equal("hello from web2", byAddress.StandardOutput.Trim());
    }

    [Fact]
    public async Task Up_Web2_AcceptsSshWithTheLabKeyFromAnotherNode()
    {
        var lab = fixture.Lab;
        await lab.DockerAsync(1, ["cp", lab.Layout.SshKey, "web1:/tmp/lab_key"], Cancel);

        var ssh = await lab.DockerAsync(1, ["exec", "web1", "dbclient", "-y", "-i", "/tmp/lab_key", "root@web2", "hostname"], Cancel);
        var withoutKey = await lab.DockerAsync(
            lab.NodeEngine(1), ["exec", "web1", "dbclient", "-y", "root@web2", "hostname"], checkExitCode: false, Cancel);

        Assert.Equal("web2", ssh.StandardOutput.Trim());
        Assert.NotEqual(0, withoutKey.ExitCode);
        Assert.DoesNotContain("web2", withoutKey.StandardOutput);
    }

    [Fact]
    public async Task Up_Overlay_IsTheSeedsAttachableSubnet()
    {
        var status = await fixture.Lab.StatusAsync(Cancel);

        Assert.Equal(new OverlayStatus("multi-host-overlay", "10.0.0.0/16", Attachable: true), status.Overlay);
        Assert.All(status.Workloads, w => Assert.StartsWith("10.0.", w.OverlayAddress));
    }

    [Fact]
    public async Task Up_ApiService_RunsItsTwoTasksOnDifferentNodesWithLabels()
    {
        var status = await fixture.Lab.StatusAsync(Cancel);

        var tasks = status.Workloads.Where(w => w.Service == "api").ToList();
        Assert.Equal(2, tasks.Count);
        Assert.Equal(["n1", "n2"], tasks.Select(t => t.Machine).Order(StringComparer.Ordinal));
        Assert.All(tasks, t => Assert.Equal("payments", t.Labels["team"]));
        var answers = await fixture.Lab.DockerAsync(1, ["exec", "web1", "nslookup", "tasks.api", "127.0.0.11"], Cancel);
        Assert.All(tasks, t => Assert.Contains(t.OverlayAddress!, answers.StandardOutput));
    }

    [Fact]
    public async Task Up_SecondTime_ChangesNothing()
    {
        var lab = fixture.Lab;
        var before = await lab.StatusAsync(Cancel);
        var enginePid = File.ReadAllText(lab.NodeEngine(1).PidFile);

        await lab.UpAsync(progress: null, Cancel);

        var after = await lab.StatusAsync(Cancel);
        Assert.Equal(enginePid, File.ReadAllText(lab.NodeEngine(1).PidFile));
        Assert.Equal(
            before.Workloads.Select(w => $"{w.Name} {w.Machine} {w.OverlayAddress}"),
            after.Workloads.Select(w => $"{w.Name} {w.Machine} {w.OverlayAddress}"));
    }

    [Fact]
    public async Task StatusJson_ListsNodesAddressesOverlayAndWorkloads()
    {
        var prefix = fixture.Lab.Options.Prefix;

        var result = await SkyhookCli.RunAsync("lab", "status", "--prefix", prefix, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.True(root.GetProperty("exists").GetBoolean());
        var nodes = root.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["172.31.0.11/16", "172.31.0.12/16"], nodes.Select(n => n.GetProperty("addresses")[0].GetString()));
        Assert.All(nodes, n => Assert.Equal("active", n.GetProperty("engine").GetProperty("swarmState").GetString()));
        Assert.Equal("10.0.0.0/16", root.GetProperty("overlay").GetProperty("subnet").GetString());
        Assert.Equal(4, root.GetProperty("workloads").GetArrayLength());
    }

    [Fact]
    public async Task Underlay_ReachesTheHostThroughTheHostLink()
    {
        var lab = fixture.Lab;
        var status = await lab.StatusAsync(Cancel);
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse(status.HostAddress!), 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync(Cancel);

        // curl connects and then waits for an answer that never comes: only the connection matters.
        var connect = lab.ExecAsync(
            lab.Layout.NodeNamespace(2), "curl", ["-s", "-m", "3", $"http://{status.HostAddress}:{port}/"], Cancel, checkExitCode: false);

        using var client = await accepted.AsTask().WaitAsync(TimeSpan.FromSeconds(5), Cancel);
        // The lab masquerades towards the host: the host needs no route back into the underlay.
        Assert.StartsWith("172.30.", ((System.Net.IPEndPoint)client.Client.RemoteEndPoint!).Address.ToString());
        await connect;
    }
}
