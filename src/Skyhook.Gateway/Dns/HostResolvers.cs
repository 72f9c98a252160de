using System.Net;

namespace Skyhook.Gateway.Dns;

/// <summary>The nameservers of a resolv.conf: the <c>nameserver ADDRESS</c> lines, in order; bad or absent ones are skipped.</summary>
public static class HostResolvers
{
    public static IReadOnlyList<IPAddress> Read(string path)
    {
        try
        {
            return Parse(File.ReadAllLines(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public static IReadOnlyList<IPAddress> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var servers = new List<IPAddress>();
        foreach (var line in lines)
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            // A scoped IPv6 address (fe80::1%eth0) names an interface of the host: fine, IPAddress parses it.
            if (words is ["nameserver", var text, ..] && IPAddress.TryParse(text, out var address))
            {
                servers.Add(address);
            }
        }
        return servers;
    }
}
