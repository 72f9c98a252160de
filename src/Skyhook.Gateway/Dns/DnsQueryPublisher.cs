using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;
using Skyhook.Core.Dns;
using Skyhook.Core.Policy;
using Skyhook.Gateway.Discovery;
using Skyhook.Gateway.Telemetry;

namespace Skyhook.Gateway.Dns;

/// <summary>
/// Every query as a telemetry event (kind dns) and, through <see cref="DnsQueryLogger"/>, as a Debug
/// line. The answer lists the container addresses of the type asked (none for an AAAA query of a
/// name with IPv4 addresses only; forwarded answers are not read). The container (and its service)
/// is the one discovery shows at the name's first address; a name hidden from the user, or a query from an address no session holds, is denied. Cheap on the
/// answering thread: the address-to-container table is built once per discovery snapshot.
/// </summary>
public sealed class DnsQueryPublisher(IEventSink sink, DnsQueryLogger log, IEndpointSource? endpoints = null) : IDnsQueryObserver
{
    private readonly EndpointFactsIndex _containers = new(endpoints);

    public void Observe(DnsQueryEvent query)
    {
        ArgumentNullException.ThrowIfNull(query);
        log.Observe(query);
        var facts = query.Addresses.Count > 0 ? _containers.Find(query.Addresses[0]) : null;
        sink.Publish(new TelemetryEvent(0, EventKinds.Dns, query.Time, query.User, query.Client.Unmapped().ToString(),
            Verdict: query.Source is DnsAnswerSource.Hidden or DnsAnswerSource.Refused ? Verdicts.Denied : Verdicts.Allowed,
            Container: facts?.Container,
            Service: facts?.Service,
            Name: query.Name,
            QueryType: TypeName(query.Type),
            ResultCode: CodeName(query.Code),
            Answer: Answered(query)));
    }

    private static string? Answered(DnsQueryEvent query)
    {
        if (query.Addresses.Count == 0)
        {
            return null;
        }
        var family = query.Type switch
        {
            DnsRecordType.A => AddressFamily.InterNetwork,
            DnsRecordType.Aaaa => AddressFamily.InterNetworkV6,
            DnsRecordType.Any => AddressFamily.Unspecified,
            _ => (AddressFamily?)null,
        };
        if (family is not { } wanted)
        {
            return null;
        }
        var answered = query.Addresses.Where(a => wanted == AddressFamily.Unspecified || a.AddressFamily == wanted).ToList();
        return answered.Count > 0 ? string.Join(',', answered) : null;
    }

    /// <summary>The mnemonic of a query type (RFC 3597's TYPEnn for the others).</summary>
    public static string TypeName(DnsRecordType type) => type switch
    {
        DnsRecordType.A => "A",
        DnsRecordType.NS => "NS",
        DnsRecordType.CName => "CNAME",
        DnsRecordType.Soa => "SOA",
        DnsRecordType.Ptr => "PTR",
        DnsRecordType.Mx => "MX",
        DnsRecordType.Txt => "TXT",
        DnsRecordType.Aaaa => "AAAA",
        DnsRecordType.Srv => "SRV",
        DnsRecordType.Opt => "OPT",
        DnsRecordType.Any => "ANY",
        _ => "TYPE" + ((ushort)type).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The response code as dig shows it.</summary>
    public static string CodeName(DnsResponseCode code) => code switch
    {
        DnsResponseCode.NoError => "NOERROR",
        DnsResponseCode.FormatError => "FORMERR",
        DnsResponseCode.ServerFailure => "SERVFAIL",
        DnsResponseCode.NameError => "NXDOMAIN",
        DnsResponseCode.NotImplemented => "NOTIMP",
        DnsResponseCode.Refused => "REFUSED",
        _ => "RCODE" + ((byte)code).ToString(CultureInfo.InvariantCulture),
    };
}
