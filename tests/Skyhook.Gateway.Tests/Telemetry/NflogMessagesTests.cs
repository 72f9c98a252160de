using System.Buffers.Binary;
using Skyhook.Gateway.Telemetry;

namespace Skyhook.Gateway.Tests.Telemetry;

public sealed class NflogMessagesTests
{
    [Fact]
    public void ReadPackets_TwoMessages_GiveEachPayloadGroupAndTime()
    {
        var first = Message(31, [1, 2, 3, 4, 5], timestamp: (1_795_877_575, 250_000));
        var second = Message(31, [9, 9]);
        var seen = new List<(int Group, byte[] Payload, DateTimeOffset? At)>();

        var count = NflogMessages.ReadPackets([.. first, .. second], (group, payload, at) => seen.Add((group, payload.ToArray(), at)));

        Assert.Equal(2, count);
        Assert.Equal(31, seen[0].Group);
        Assert.Equal([1, 2, 3, 4, 5], seen[0].Payload);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_795_877_575_250), seen[0].At);
        Assert.Equal([9, 9], seen[1].Payload);
        Assert.Null(seen[1].At);
    }

    [Fact]
    public void Acknowledgement_OfTheBind_IsReadBySequence()
    {
        var ack = new byte[36];
        BinaryPrimitives.WriteUInt32LittleEndian(ack, 36);
        BinaryPrimitives.WriteUInt16LittleEndian(ack.AsSpan(4), NflogMessages.ErrorType);
        BinaryPrimitives.WriteInt32LittleEndian(ack.AsSpan(16), -16);
        BinaryPrimitives.WriteUInt32LittleEndian(ack.AsSpan(28), 7);

        Assert.Equal(-16, NflogMessages.Acknowledgement(ack, 7));
        Assert.Null(NflogMessages.Acknowledgement(ack, 8));
        Assert.Equal(0, NflogMessages.Bind(32, 1).Length % 4);
    }

    [Fact]
    public void ReadPackets_LiesAboutLengths_NeverThrowNorReadOutside()
    {
        var random = new Random(5);
        var seed = Message(32, new byte[60], timestamp: (1, 2));
        for (var i = 0; i < 20000; i++)
        {
            var bytes = (byte[])seed.Clone();
            for (var flips = random.Next(1, 5); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var length = random.Next(bytes.Length + 1);
            NflogMessages.ReadPackets(bytes.AsSpan(0, length), (_, payload, _) => Assert.True(payload.Length <= length));
            _ = NflogMessages.Acknowledgement(bytes.AsSpan(0, length), 1);
        }
    }

    /// <summary>An NFULNL_MSG_PACKET as the kernel sends it: a packet header attribute, the timestamp when given, the payload.</summary>
    private static byte[] Message(int group, byte[] payload, (long Seconds, long Micros)? timestamp = null)
    {
        var attributes = new List<byte>();
        Attribute(attributes, 1, [0x08, 0x00, 2, 0]);
        if (timestamp is { } t)
        {
            var value = new byte[16];
            BinaryPrimitives.WriteInt64BigEndian(value, t.Seconds);
            BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(8), t.Micros);
            Attribute(attributes, 3, value);
        }

        Attribute(attributes, 9, payload);
        var message = new byte[20 + attributes.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), 4 << 8);
        message[16] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(18), (ushort)group);
        attributes.CopyTo(message, 20);
        return message;
    }

    private static void Attribute(List<byte> attributes, ushort type, byte[] value)
    {
        var length = 4 + value.Length;
        attributes.AddRange([(byte)length, (byte)(length >> 8), (byte)type, (byte)(type >> 8)]);
        attributes.AddRange(value);
        while (attributes.Count % 4 != 0)
        {
            attributes.Add(0);
        }
    }
}
