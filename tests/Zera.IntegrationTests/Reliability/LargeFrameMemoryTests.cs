using System.Runtime.CompilerServices;
using Xunit.Abstractions;
using Zera.Core;
using Zera.IntegrationTests.Behaviour;

namespace Zera.IntegrationTests.Reliability;

/// <summary>
/// Large frames leave nothing behind once they are delivered and released: four 24 MiB frames sent over tcp or ipc
/// and received must not grow the managed heap by more than <see cref="AllowedGrowth"/>. Found by the soak's
/// large-message scenario: the buffers of such frames (the sender's frame, the engine's encoding of it, the receiver's
/// decoder steps and frame) all went back to the runtime's shared array pool, which keeps a returned array of each
/// size class per thread and dozens per core until memory runs short: about 1.7 GB was still held after 100 MiB in
/// flight had been delivered and every socket closed, and this test measured 284 MB (tcp) and 88 MB (ipc). Now buffers
/// above 1 MiB are the GC's (Core.BufferPool).
/// </summary>
[Collection(nameof(ProcessWide))]
public sealed class LargeFrameMemoryTests(ITestOutputHelper output)
{
    private const int FrameSize = 24 << 20;
    private const int Frames = 4;

    /// <summary>Less than one of the frames: a single 24 MiB buffer (rounded up to 32 MiB by the pool) kept would
    /// exceed it.</summary>
    private const long AllowedGrowth = 16 << 20;

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void Delivered_large_frames_leave_no_buffers_behind(string transport)
    {
        long growth = Exchange(transport);
        // The heap's growth below leaves out what the large-array pool holds, which its budget bounds: check the bound.
        Assert.True(BufferPool.LargeBytesHeld <= LargeArrayPool.DefaultBudget,
            $"the large-array pool holds {BufferPool.LargeBytesHeld} bytes, over its budget of {LargeArrayPool.DefaultBudget}");
        output.WriteLine($"{transport}: managed heap {growth / 1024.0 / 1024:F1} MB over the start after {Frames} frames of {FrameSize >> 20} MiB");
        Assert.True(growth < AllowedGrowth, $"{growth / 1024.0 / 1024:F1} MB of managed heap held after the frames were delivered and released (allowed {AllowedGrowth >> 20} MB)");
    }

    /// <summary>Sends and receives the frames, closes everything and returns the heap's growth. A method of its own, so
    /// that no local of it still refers to a frame's buffer when the heap is measured.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Exchange(string transport)
    {
        long before;
        using (var scope = new Scope())
        {
            var pull = scope.Bound(SocketType.Pull, transport, out string endpoint);
            var push = scope.Connected(SocketType.Push, endpoint);
            Io.Send(push, "warm-up");
            Io.Expect(pull, "warm-up");
            before = Heap();
            for (int i = 0; i < Frames; i++) SendOne(push, i);
            for (int i = 0; i < Frames; i++) ReceiveOne(pull, i);
        }
        return Heap() - before;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SendOne(ZeraSocket push, int i)
    {
        var frame = Frame.Allocate(FrameSize);
        frame.Span.Fill((byte)(i + 1));
        push.Send(ref frame);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReceiveOne(ZeraSocket pull, int i)
    {
        Assert.True(pull.TryReceive(out var frame, TimeSpan.FromSeconds(30)), $"frame {i} did not arrive");
        Assert.Equal(FrameSize, frame.Length);
        Assert.Equal((byte)(i + 1), frame.Span[0]);
        Assert.Equal((byte)(i + 1), frame.Span[^1]);
        frame.Dispose();
    }

    private static long Heap()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true) - Slab.PooledBytes - BufferPool.LargeBytesHeld;
    }
}
