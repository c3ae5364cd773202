using Xunit.Abstractions;
using Zera.Core;
using Zera.IntegrationTests.Behaviour;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Reliability;

/// <summary>
/// What a connection costs once it is quiet: 500 DEALERs connected to one ROUTER over tcp and ipc, each having
/// exchanged a message, must add less than <see cref="BytesPerConnection"/> of managed heap each (server and client
/// sides together). An idle connection keeps a 4 KB read buffer, its pipes and its state, but no 64 KB batch buffer
/// and no partly used slab: those are taken only while data flows. Before that change each connection held two 64 KB
/// buffers and a 16 KB slab (about 160 KB measured by bench conns on the server side alone).
/// </summary>
[Collection(nameof(ProcessWide))]
public sealed class IdleConnectionMemoryTests(ITestOutputHelper output)
{
    private const int Connections = 500;

    /// <summary>Both ends of one connection in this process. Measured: about 40 KB (bench conns: about 20 KB on
    /// the server side). One 64 KB buffer held per connection would exceed it.</summary>
    private const long BytesPerConnection = 64 * 1024;

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void A_quiet_connection_holds_no_large_buffers(string transport)
    {
        using var scope = new Scope();
        var router = scope.Bound(SocketType.Router, transport, out string endpoint);
        long before = Heap();
        var dealers = new List<ZeraSocket>(Connections);
        for (int i = 0; i < Connections; i++)
        {
            var dealer = scope.Make(SocketType.Dealer);
            dealer.Connect(endpoint);
            Io.Send(dealer, "hello");
            dealers.Add(dealer);
        }
        for (int i = 0; i < Connections; i++) Io.Bounce(router);
        foreach (var dealer in dealers) Io.Expect(dealer, "hello");
        long after = Heap();
        long perConnection = (after - before) / Connections;
        output.WriteLine($"{transport}: {perConnection} bytes of managed heap per idle connection (both ends)");
        Assert.True(perConnection < BytesPerConnection,
            $"{perConnection} bytes per idle connection over {transport}; the bound is {BytesPerConnection}");
        Assert.True(LiveCounts.Engines >= 2 * Connections, "the connections must still be open when measured");
    }

    private static long Heap()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true) - Slab.PooledBytes;
    }
}
