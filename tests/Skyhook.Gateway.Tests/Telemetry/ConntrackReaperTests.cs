using Skyhook.Gateway.Telemetry;
using Skyhook.Gateway.Tests.Policy;

namespace Skyhook.Gateway.Tests.Telemetry;

/// <summary>The reaper against the real kernel, on entries inserted by hand in a namespace of its own.</summary>
[Collection(KernelStateCollection.Name)]
public sealed class ConntrackReaperTests(ITestOutputHelper output)
{
    [Fact]
    public void DumpRequest_AllFamiliesFilteredOnAnAllOnesMark()
    {
        var request = ConntrackReaper.DumpRequest(7);

        Assert.Equal(
            "24000000" + "0101" + "0103" + "07000000" + "00000000" + "00000000" + "08000800FFFFFFFF" + "08001500FFFFFFFF",
            Convert.ToHexString(request));
    }

    [Fact]
    public void End_SkipsOtherSequencesCountsEntriesStopsAtDoneThrowsOnError()
    {
        var entries = 0;
        byte[] Message(ushort type, uint sequence, int error = 0)
        {
            var message = new byte[20];
            BitConverter.TryWriteBytes(message.AsSpan(0), 20u);
            BitConverter.TryWriteBytes(message.AsSpan(4), type);
            BitConverter.TryWriteBytes(message.AsSpan(8), sequence);
            BitConverter.TryWriteBytes(message.AsSpan(16), error);
            return message;
        }

        Assert.False(ConntrackReaper.End([.. Message(0x100, 3), .. Message(0x100, 3), .. Message(3, 2)], 3, ref entries));
        Assert.Equal(2, entries);
        Assert.True(ConntrackReaper.End(Message(3, 3), 3, ref entries));
        var refused = Assert.Throws<IOException>(() => ConntrackReaper.End(Message(2, 3, -1), 3, ref entries));
        Assert.Contains("errno 1", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reap_ExpiredEntryRemovedLiveOneKeptNeitherListed()
    {
        Requirements.RequireConntrack();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var bed = await ConntrackTestBed.StartGatewayOnlyAsync(output, cancellationToken);
        await bed.InAsync(bed.Gateway, ["conntrack", "-R", "-"], cancellationToken,
            "-I -t 1 -u SEEN_REPLY,ASSURED -s 10.8.0.2 -d 10.0.5.10 -p tcp --sport 40001 --dport 80 --state TIME_WAIT\n" +
            "-I -t 600 -u SEEN_REPLY,ASSURED -s 10.8.0.2 -d 10.0.5.10 -p tcp --sport 40002 --dport 80 --state ESTABLISHED\n");
        // Past the first entry's timeout: expired, but counted in the table until something removes
        // it (listing would remove it too; the count does not).
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        var before = await CountAsync(bed, cancellationToken);
        using var reaper = ConntrackReaper.Open(bed.Gateway);

        Assert.Equal(0, await reaper.ReapAsync(cancellationToken));

        output.WriteLine($"entries before the reap: {before}");
        Assert.Equal(1, await CountAsync(bed, cancellationToken));
        var left = (await bed.InAsync(bed.Gateway, ["conntrack", "-L"], cancellationToken)).StandardOutput;
        Assert.Contains("sport=40002", left, StringComparison.Ordinal);
        Assert.DoesNotContain("sport=40001", left, StringComparison.Ordinal);
    }

    private static async Task<int> CountAsync(ConntrackTestBed bed, CancellationToken cancellationToken) =>
        int.Parse((await bed.InAsync(bed.Gateway, ["cat", "/proc/sys/net/netfilter/nf_conntrack_count"], cancellationToken)).StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
