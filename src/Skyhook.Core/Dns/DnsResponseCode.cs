namespace Skyhook.Core.Dns;

/// <summary>The RCODEs of RFC 1035 the gateway writes or tells apart in upstream answers.</summary>
public enum DnsResponseCode : byte
{
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    NotImplemented = 4,
    Refused = 5,
}
