using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Skyhook.Bench;

/// <summary>
/// The per-packet benchmark's case in which the gateway's table judges every packet (bench/policypath.sh):
/// UDP datagrams of <see cref="PayloadBytes"/> bytes from one socket to ADDRESS:PORT, one after the
/// other for SECONDS, where nothing ever answers (the receiver counts and drops them in nftables). A
/// flow that has seen no reply stays new to conntrack, so none of its packets is let through by the
/// table's <c>ct state established</c> rule: each one goes through the session map and the profile's
/// sets. Prints <c>SENT SECONDS CPU_SECONDS</c> on stdout: the CPU time is this process's during the
/// sends, and with veth pairs it includes the forwarding: a packet crosses the router and reaches the
/// server's drop in the softirq that the send runs on the way out (this kernel's tick accounting
/// charges that to the sender). Run it inside the client namespace.
/// </summary>
public static class UdpFlood
{
    /// <summary>The payload of iperf3's <c>-l 64</c>, so that the two UDP cases send packets of one size.</summary>
    public const int PayloadBytes = 64;

    public static void Run(IPEndPoint target, int seconds)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(target);
        var payload = new byte[PayloadBytes];
        var duration = TimeSpan.FromSeconds(seconds);
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            socket.Send(payload);
            sent++;
        }

        var elapsed = clock.Elapsed;
        process.Refresh();
        cpu = process.TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sent} {elapsed.TotalSeconds:F3} {cpu.TotalSeconds:F3}"));
    }
}
