using Docker.DotNet;

namespace Skyhook.Gateway.Docker;

/// <summary>Creates Docker Engine API clients for one engine socket.</summary>
public static class DockerEngine
{
    /// <summary>
    /// A client for <paramref name="endpoint"/> (unix:///var/run/docker.sock, or any unix:// socket).
    /// No API version is pinned: requests go to unversioned paths and the engine answers in its own
    /// version, so Debian's 20.10 (API 1.41) and newer engines are all spoken to.
    /// </summary>
    public static DockerClient CreateClient(string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        // The client owns its configuration and disposes it with itself.
        return new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
    }
}
