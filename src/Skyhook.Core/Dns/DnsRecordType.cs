namespace Skyhook.Core.Dns;

/// <summary>The record types the gateway's DNS server names; others travel as plain numbers.</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    NS = 2,
    CName = 5,
    Soa = 6,
    Ptr = 12,
    Mx = 15,
    Txt = 16,
    Aaaa = 28,
    Srv = 33,
    Opt = 41,
    Any = 255,
}
