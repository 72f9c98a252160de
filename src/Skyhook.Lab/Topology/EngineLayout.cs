namespace Skyhook.Lab.Topology;

/// <summary>Where one lab engine keeps its files and how it is told apart from every other engine.</summary>
public sealed record EngineLayout(
    string Namespace,
    string DataRoot,
    string ExecRoot,
    string Socket,
    string PidFile,
    string LogFile,
    string ConfigFile,
    string ContainerdNamespace,
    string CgroupParent)
{
    public string Host => "unix://" + Socket;
}
