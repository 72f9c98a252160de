using Skyhook.Lab.Topology;

namespace Skyhook.Lab.Demo;

/// <summary>
/// Where the demo keeps its processes' files: inside the lab's own state and run folders, so that
/// `skyhook lab down` removes them with the lab. Derived from the lab's layout alone.
/// </summary>
public sealed class DemoLayout(LabLayout lab)
{
    /// <summary>
    /// Persistent files: the controller's database, the gateway's enrolment, the logs, the client
    /// profile. Every demo process names a path below it on its command line, which is how a pid
    /// file's process is told from a stranger that got the same pid later.
    /// </summary>
    public string StateDirectory => Path.Combine(lab.StateDirectory, "demo");

    /// <summary>Pid files, the OpenVPN management socket and the client's one-time credentials file.</summary>
    public string RunDirectory => Path.Combine(lab.RunDirectory, "demo");

    /// <summary>What cannot be derived (the controller's URL): written last by a demo that came up.</summary>
    public string DemoFile => Path.Combine(StateDirectory, "demo.json");

    public string ControllerData => Path.Combine(StateDirectory, "controller");
    public string ControllerLog => Path.Combine(StateDirectory, "controller.log");
    public string ControllerPid => Path.Combine(RunDirectory, "controller.pid");

    public string GatewayData => Path.Combine(StateDirectory, "gateway");
    public string GatewayLog => Path.Combine(StateDirectory, "gateway.log");
    public string GatewayPid => Path.Combine(RunDirectory, "gateway.pid");

    /// <summary>Short on purpose: a unix socket path stops at 107 bytes.</summary>
    public string ManagementSocket => Path.Combine(RunDirectory, "openvpn.sock");

    public string ClientProfile(string user) => Path.Combine(StateDirectory, user + ".ovpn");
    public string ClientLog => Path.Combine(StateDirectory, "client.log");
    public string ClientPid => Path.Combine(RunDirectory, "client.pid");

    /// <summary>User name and SCRV1 password for openvpn --auth-user-pass (0600, on tmpfs, removed once the tunnel is up).</summary>
    public string ClientCredentials => Path.Combine(RunDirectory, "client.auth");

    /// <summary>The demo's long-lived processes, in the order they are stopped (client first, controller last).</summary>
    public IReadOnlyList<string> PidFiles => [ClientPid, GatewayPid, ControllerPid];
}
