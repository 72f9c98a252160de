using Microsoft.Extensions.Logging;

namespace Skyhook.Gateway.Dns;

/// <summary>Every query as a Debug line (event 4710): off unless Logging:LogLevel:Skyhook.Gateway.Dns is Debug.</summary>
public sealed partial class DnsQueryLogger(ILogger<DnsQueryLogger> logger) : IDnsQueryObserver
{
    public void Observe(DnsQueryEvent query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.Query(logger, query.User ?? "(no session)", query.Client.ToString(), query.Name, query.Type.ToString(), query.Code.ToString(),
                query.Source.ToString(), string.Join(' ', query.Addresses));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4710, Level = LogLevel.Debug, Message = "DNS {User} ({Client}) {Name} {Type}: {Code} from {Source} {Addresses}")]
        public static partial void Query(ILogger logger, string user, string client, string name, string type, string code, string source, string addresses);
    }
}
