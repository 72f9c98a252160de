using System.Net;
using Skyhook.Core.Dns;

namespace Skyhook.Core.Tests.Dns;

/// <summary>
/// Hostile input: the readers must answer for every byte string, without throwing and in bounded time.
/// Seeded, so that a failure reproduces.
/// </summary>
public sealed class DnsMessagesFuzzTests
{
    [Fact]
    public void ParseQuery_RandomBytes_NeverThrows()
    {
        var random = new Random(53);
        var destination = new byte[65535];
        for (var i = 0; i < 100_000; i++)
        {
            var message = new byte[random.Next(0, 300)];
            random.NextBytes(message);
            if (random.Next(2) == 0 && message.Length > 5)
            {
                // Mostly a query header, so that the question and OPT readers get exercised too.
                message[2] &= 0x07;
                message[4] = 0;
                message[5] = 1;
            }

            AnswerLikeTheServer(message, destination);
        }
    }

    [Fact]
    public void ParseQuery_MutatedValidQuery_NeverThrows()
    {
        var random = new Random(853);
        var destination = new byte[65535];
        var valid = DnsMessageBuilder.Query("svc.Stack_1.lab", (ushort)DnsRecordType.Aaaa, ednsPayload: 1232, dnssecOk: true);
        var ok = 0;
        foreach (var message in Mutations(valid, random, 100_000))
        {
            ok += AnswerLikeTheServer(message, destination) == DnsQueryParse.Ok ? 1 : 0;
        }

        // Flips in the type, class or id leave a valid query: the fuzzing reached the writers too.
        Assert.True(ok > 1000, $"only {ok} mutations parsed");
    }

    [Fact]
    public void TryReadResponse_MutatedValidResponse_NeverThrows()
    {
        var random = new Random(2308);
        var valid = DnsMessagesResponseTests.NxDomainWithSoa(id: 9, soaTtl: 900, minimum: 300);
        foreach (var message in Mutations(valid, random, 100_000))
        {
            if (DnsMessages.TryReadResponse(message, 9, "nothing.example", 1, 1, out var info))
            {
                Assert.All(info.TtlOffsets, offset => Assert.InRange(offset, 12, message.Length - 4));
            }
        }
    }

    [Fact]
    public void TryReadResponse_RandomBytesAfterAValidQuestion_NeverThrows()
    {
        var random = new Random(1035);
        var question = new DnsMessageBuilder().Header(9, 0x8180, 1, 0, 0, 0).Question("a.b", 1).Build();
        for (var i = 0; i < 100_000; i++)
        {
            var message = new byte[question.Length + random.Next(0, 200)];
            random.NextBytes(message);
            question.CopyTo(message, 0);
            message[6] = 0;
            message[7] = (byte)random.Next(0, 8);
            message[9] = (byte)random.Next(0, 4);
            message[11] = (byte)random.Next(0, 4);

            DnsMessages.TryReadResponse(message, 9, "a.b", 1, 1, out _);
        }
    }

    /// <summary>Copies of <paramref name="valid"/> with one to four bytes changed, cut short or extended.</summary>
    internal static IEnumerable<byte[]> Mutations(byte[] valid, Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var length = random.Next(4) switch
            {
                0 => random.Next(0, valid.Length + 1),
                1 => valid.Length + random.Next(1, 8),
                _ => valid.Length,
            };
            var message = new byte[length];
            random.NextBytes(message);
            valid.AsSpan(0, Math.Min(length, valid.Length)).CopyTo(message);
            for (var flips = random.Next(1, 5); flips > 0 && length > 0; flips--)
            {
                message[random.Next(length)] = (byte)random.Next(256);
            }

            yield return message;
        }
    }

    /// <summary>What the server does with a datagram: parse it, then answer or refuse it.</summary>
    private static DnsQueryParse AnswerLikeTheServer(byte[] message, byte[] destination)
    {
        var result = DnsMessages.ParseQuery(message, out var query);
        switch (result)
        {
            case DnsQueryParse.Ok:
                Assert.InRange(query.QuestionEnd, 17, message.Length);
                Assert.DoesNotContain(query.Name, c => c is < '!' or > '~' or (>= 'A' and <= 'Z'));
                Assert.InRange(query.UdpPayloadSize, 512, 4096);
                var length = DnsMessages.WriteAnswer(destination, message, query, DnsResponseCode.NoError, true, [IPAddress.Loopback], 5, query.UdpPayloadSize);
                Assert.InRange(length, query.QuestionEnd, query.UdpPayloadSize);
                break;
            case DnsQueryParse.FormatError or DnsQueryParse.NotImplemented:
                Assert.InRange(DnsMessages.WriteError(destination, message, query, false, DnsResponseCode.FormatError), 12, message.Length + 11);
                break;
        }

        return result;
    }
}
