using System.Net;
using Skyhook.Core.Dns;

namespace Skyhook.Core.Tests.Dns;

/// <summary>The per-query path runs at 100k queries a second: it may allocate the question's name and nothing else.</summary>
public sealed class DnsMessagesAllocationTests
{
    private const int Rounds = 1000;

    [Fact]
    public void ParseQuery_RootName_AllocatesNothing()
    {
        var query = DnsMessageBuilder.Query("", 2, ednsPayload: 1232);

        Assert.Equal(0, Allocated(() => DnsMessages.ParseQuery(query, out _)));
    }

    [Fact]
    public void ParseQuery_Name_AllocatesOnlyTheNameString()
    {
        var query = DnsMessageBuilder.Query("Web.Lab", 1, ednsPayload: 1232);

        // A 7-character string takes 40 bytes on 64-bit (header, method table, length, chars, padding).
        Assert.InRange(Allocated(() => DnsMessages.ParseQuery(query, out _)), 1, 40 * Rounds);
    }

    [Fact]
    public void Writers_AllocateNothing()
    {
        var query = DnsMessageBuilder.Query("web.lab", 1, ednsPayload: 1232);
        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(query, out var parsed));
        IReadOnlyList<IPAddress> addresses = [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("fd00::1"), IPAddress.Parse("10.0.0.2")];
        var response = new DnsMessageBuilder().Header(1, 0x8180, 1, 1, 0, 0).Question("web.lab", 1)
            .Pointer(12).RecordData(1, 1_000_000, [10, 0, 0, 1]).Build();
        Assert.True(DnsMessages.TryReadResponse(response, 1, "web.lab", 1, 1, out var info));
        var destination = new byte[65535];

        Assert.Equal(0, Allocated(() => DnsMessages.WriteAnswer(destination, query, parsed, DnsResponseCode.NoError, true, addresses, 5, 1232)));
        Assert.Equal(0, Allocated(() => DnsMessages.WriteError(destination, query, parsed, true, DnsResponseCode.Refused)));
        Assert.Equal(0, Allocated(() => DnsMessages.WriteTruncated(destination, response, info.QuestionEnd)));
        Assert.Equal(0, Allocated(() => DnsMessages.Personalize(response, query, parsed, 1, info.TtlOffsets)));
    }

    private static long Allocated(Action action)
    {
        action();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
