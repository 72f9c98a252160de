using System.Globalization;
using Microsoft.Extensions.Options;

namespace Skyhook.Gateway.Discovery;

/// <summary>Checks Discovery:DockerEndpoints: at least one, each a unix:// socket path or a tcp://HOST:PORT, none twice.</summary>
public sealed class DiscoveryOptionsValidator : IValidateOptions<DiscoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscoveryOptions options) =>
        Problem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;

    /// <summary>Null when the endpoints are usable; otherwise one message naming every bad entry.</summary>
    public static string? Problem(DiscoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.DockerEndpoints.Count == 0)
        {
            return "Discovery:DockerEndpoints is empty: list at least one Docker engine (unix:///var/run/docker.sock)";
        }
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.DockerEndpoints.Count; i++)
        {
            var endpoint = options.DockerEndpoints[i];
            var where = string.Create(CultureInfo.InvariantCulture, $"Discovery:DockerEndpoints:{i} '{endpoint}'");
            if (!IsEngineUri(endpoint))
            {
                problems.Add(where + " is not a unix:///PATH socket or a tcp://HOST:PORT address");
            }
            else if (!seen.Add(endpoint))
            {
                problems.Add(where + " is listed twice");
            }
        }
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static bool IsEngineUri(string? endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return false;
        }
        return uri.Scheme switch
        {
            "unix" => uri.Host.Length == 0 && uri.AbsolutePath.Length > 1 && !uri.AbsolutePath.EndsWith('/'),
            "tcp" => uri.Host.Length > 0 && uri.Port is > 0 and <= 65535 && uri.AbsolutePath == "/" && uri.Query.Length == 0,
            _ => false,
        };
    }
}
