using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Gateway.Vpn;

namespace Skyhook.Gateway.Tests.Vpn.Login;

public sealed class LeaseTableTests
{
    [Fact]
    public void TryLease_ManyClients_UniqueAddressesAfterTheGatewaysOwn()
    {
        var table = new LeaseTable(Cidr.Parse("192.168.43.0/24"));
        var addresses = new List<IPAddress>();
        for (ulong cid = 0; cid < 253; cid++)
        {
            Assert.True(table.TryLease(cid, out var address, out _));
            addresses.Add(address);
        }

        Assert.Equal(253, addresses.Distinct().Count());
        Assert.Equal(IPAddress.Parse("192.168.43.1"), table.GatewayAddress);
        Assert.Equal(IPAddress.Parse("192.168.43.2"), addresses[0]);
        Assert.Equal(IPAddress.Parse("192.168.43.254"), addresses[^1]);
        Assert.DoesNotContain(table.GatewayAddress, addresses);
    }

    [Fact]
    public void TryLease_SameClientTwice_SameAddress()
    {
        var table = new LeaseTable(Cidr.Parse("10.8.0.0/29"));
        Assert.True(table.TryLease(7, out var first, out _));
        Assert.True(table.TryLease(7, out var again, out _));
        Assert.Equal(first, again);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Release_ThenLease_AddressReused()
    {
        var table = new LeaseTable(Cidr.Parse("10.8.0.0/29"));
        table.TryLease(1, out _, out _);
        table.TryLease(2, out var second, out _);
        table.TryLease(3, out _, out _);

        Assert.True(table.Release(2));
        Assert.False(table.Release(2));
        Assert.True(table.TryLease(4, out var reused, out _));

        Assert.Equal(second, reused);
        Assert.Null(table.AddressOf(2));
    }

    [Fact]
    public void TryLease_BlockExhausted_RefusedWithAReason()
    {
        // A /29: network, gateway, broadcast and five client addresses.
        var table = new LeaseTable(Cidr.Parse("10.8.0.0/29"));
        for (ulong cid = 0; cid < 5; cid++)
        {
            Assert.True(table.TryLease(cid, out _, out _));
        }

        Assert.False(table.TryLease(99, out var none, out var refusal));
        Assert.Null(none);
        Assert.Contains("no free VPN address", refusal);
        Assert.Equal(5, table.Capacity);

        table.Release(3);
        Assert.True(table.TryLease(99, out var freed, out _));
        Assert.Equal(IPAddress.Parse("10.8.0.5"), freed);
    }

    [Fact]
    public void TryLease_Concurrently_NoDuplicates()
    {
        var table = new LeaseTable(Cidr.Parse("10.8.0.0/22"));
        var leased = new System.Collections.Concurrent.ConcurrentBag<IPAddress>();
        Parallel.For(0, 1000, i =>
        {
            if (table.TryLease((ulong)i, out var address, out _))
            {
                leased.Add(address);
            }
        });
        Assert.Equal(1000, leased.Distinct().Count());
    }
}
