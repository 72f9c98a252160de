using System.Globalization;
using System.Net;
using System.Text.Json;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Bench;

/// <summary>
/// The two tables of the per-packet benchmark (bench/policypath.sh), both compiled by
/// <see cref="PolicyCompiler"/> and rendered by <see cref="NftJson"/> as the gateway does:
/// <list type="bullet">
/// <item>large: <see cref="PolicyCompilerBenchmarks"/>' input of 10,000 sessions over 100 profiles of 50
/// rules against 5,000 endpoints (its seed, so the same table as its figures), plus the client's
/// session bound to <see cref="ClientProfile"/>: deny-all, tcp and udp to the server allowed, then the
/// 50 rules of the first generated deny-all profile, so that the client's packets are judged by sets
/// of a generated profile's size;</item>
/// <item>small: the client's session and <see cref="ClientProfile"/> with only the server's two rules.</item>
/// </list>
/// Usage: <c>policy-table OUT.json --large|--small --client IP --server IP --interface PATTERN</c>.
/// Writes the transaction to OUT.json and prints what nft should then hold, as one JSON line:
/// <c>{"chain":...,"sessions4":N,"setElements":N,"clientPortsSet":NAME,"clientPortsElements":N}</c>.
/// </summary>
public static class PolicyPathTables
{
    public const string ClientProfile = "bench-client";
    private const int LargeProfiles = 100;

    public static int Write(IReadOnlyList<string> args)
    {
        string? output = null, vpnInterface = null;
        bool? large = null;
        IPAddress? client = null, server = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--large" or "--small":
                    large = args[i] == "--large";
                    break;
                case "--client" when i + 1 < args.Count:
                    client = IPAddress.Parse(args[++i]);
                    break;
                case "--server" when i + 1 < args.Count:
                    server = IPAddress.Parse(args[++i]);
                    break;
                case "--interface" when i + 1 < args.Count:
                    vpnInterface = args[++i];
                    break;
                case var path when output is null && !path.StartsWith('-'):
                    output = path;
                    break;
                default:
                    return Usage($"unexpected argument '{args[i]}'");
            }
        }

        if (output is null || large is null || client is null || server is null || vpnInterface is null)
        {
            return Usage("missing arguments");
        }

        var input = large.Value ? Large(client, server, vpnInterface) : Small(client, server, vpnInterface);
        var table = PolicyCompiler.Compile(input);
        File.WriteAllText(output, NftJson.Render(table));
        var chain = NftNames.ProfileChain(ClientProfile);
        var portsSet = NftNames.PortsSet(chain, ipv6: false);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            chain,
            sessions4 = table.Maps.Single(m => m.Name == NftNames.Sessions4).Elements.Count,
            setElements = table.Sets.Sum(s => s.Elements.Count),
            clientPortsSet = portsSet,
            clientPortsElements = table.Sets.Single(s => s.Name == portsSet).Elements.Count,
        }));
        return 0;
    }

    private static PolicyCompilationInput Large(IPAddress client, IPAddress server, string vpnInterface)
    {
        var generated = PolicyCompilerBenchmarks.Input(LargeProfiles, PolicyCompilerBenchmarks.Seed);
        var model = generated.Profiles.First(p => p.BasePolicy == BasePolicy.DenyAll);
        var profile = new AccessProfile(ClientProfile, BasePolicy.DenyAll, [.. ServerRules(server), .. model.Rules]);
        return new PolicyCompilationInput(
            [.. generated.Profiles, profile],
            [.. generated.Sessions, new SessionBinding(client, ClientProfile)],
            generated.Endpoints,
            [vpnInterface]);
    }

    private static PolicyCompilationInput Small(IPAddress client, IPAddress server, string vpnInterface) =>
        new(
            [new AccessProfile(ClientProfile, BasePolicy.DenyAll, ServerRules(server))],
            [new SessionBinding(client, ClientProfile)],
            [],
            [vpnInterface]);

    private static AccessRule[] ServerRules(IPAddress server) =>
    [
        AccessRule.Parse(string.Create(CultureInfo.InvariantCulture, $"allow cidr {server}/32 tcp")),
        AccessRule.Parse(string.Create(CultureInfo.InvariantCulture, $"allow cidr {server}/32 udp")),
    ];

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"policy-table: {problem}; usage: policy-table OUT.json --large|--small --client IP --server IP --interface PATTERN");
        return 2;
    }
}
