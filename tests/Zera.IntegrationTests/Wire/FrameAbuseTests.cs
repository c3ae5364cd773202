using System.Text;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// Peers that complete the handshake and then misbehave at the frame level: frames over MAXMSGSIZE or with absurd
/// sizes, reserved flag bits and other garbage, and a frame that stalls half-way. Zera must close the offending
/// connection (or, for a stall, simply not wait on it), deliver nothing partial from it, keep delivering a
/// well-behaved peer's messages intact and in order throughout, and report each end on its monitor as a
/// DISCONNECTED with the reason.
/// </summary>
public sealed class FrameAbuseTests
{
    private static readonly TimeSpan CloseDeadline = TimeSpan.FromSeconds(5);

    /// <summary>The routing id the raw peer announces to a ROUTER.</summary>
    private static readonly byte[] RawId = "raw-peer"u8.ToArray();

    public static TheoryData<SocketType> Servers => new() { SocketType.Pull, SocketType.Router };

    [Theory]
    [MemberData(nameof(Servers))]
    public void FrameOverMaxMessageSizeClosesTheConnection(SocketType server)
    {
        const int limit = 1000;
        using var guarded = new GuardedServer(server, s => s.MaxMessageSize = limit);
        guarded.RoundTripGood();
        using var raw = HandshakenRaw(guarded);

        // Exactly at the limit is fine.
        var atLimit = Pattern(limit);
        raw.Send(Zmtp.Frame(atLimit));
        ExpectRawMessage(guarded, server, atLimit);

        // One byte over: the header alone is enough to refuse; what follows must never be delivered.
        raw.Send([.. Zmtp.Header(0, limit + 1, longForm: true), .. Pattern(limit + 1), .. Zmtp.TextFrame("must-not-arrive")]);
        guarded.RoundTripGood();
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), "Zera kept the connection open after a frame over MaxMessageSize");
        guarded.ExpectDisconnect($"frame of {limit + 1} bytes exceeds MAXMSGSIZE {limit}");
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    /// <summary>Frame sizes no implementation can honour: over 2 GiB, and with the top bit set.</summary>
    [Theory]
    [InlineData(0x0000_0100_0000_0000L, SocketType.Pull)]
    [InlineData(0x0000_0100_0000_0000L, SocketType.Router)]
    [InlineData(long.MinValue, SocketType.Pull)]
    [InlineData(-1L, SocketType.Router)]
    public void AbsurdFrameSizeWithoutALimitClosesTheConnection(long size, SocketType server)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();
        using var raw = HandshakenRaw(guarded);
        raw.Send([.. Zmtp.Header(0, size, longForm: true), .. Pattern(100)]);
        guarded.RoundTripGood();
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), $"Zera kept the connection open after a frame announcing {(ulong)size} bytes");
        guarded.ExpectDisconnect($"frame of {(ulong)size} bytes is too large");
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    /// <summary>Bytes a peer sends after the handshake, and a piece of the reason the monitor gives for the end.</summary>
    private static readonly Dictionary<string, (byte[] Bytes, string Reason)> Garbage = new()
    {
        ["reserved-flag-bit-7"] = ([0x80, 3, .. "abc"u8], "reserved frame flag bits set (0x80)"),
        ["reserved-flag-bit-3"] = ([0x08, 3, .. "abc"u8], "reserved frame flag bits set (0x08)"),
        ["all-flag-bits"] = ([0xFF, 0, 0, 0, 0, 0, 0, 0, 3, .. "abc"u8], "reserved frame flag bits set (0xFF)"),
        ["command-with-more"] = ([0x05, 6, 4, .. "PING"u8, 0], "command frame with MORE set"),
        ["empty-command"] = ([0x04, 0], "malformed command frame"),
        ["command-name-past-end"] = ([0x04, 3, 50, .. "AB"u8], "malformed command frame"),
        ["second-ready"] = (Zmtp.Ready("PUSH"), "READY after the handshake"),
        ["short-ping"] = (Zmtp.Frame(Zmtp.CommandBody("PING", [0]), command: true), "PING too short"),
        ["text-instead-of-frames"] = (Encoding.Latin1.GetBytes("\xFFHello there, this is not ZMTP at all\n"), "reserved frame flag bits set (0xFF)"),
    };

    public static TheoryData<string, SocketType> GarbageCases()
    {
        var data = new TheoryData<string, SocketType>();
        foreach (var name in Garbage.Keys)
        {
            data.Add(name, SocketType.Pull);
            data.Add(name, SocketType.Router);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(GarbageCases))]
    public void GarbageAfterReadyClosesTheConnection(string garbage, SocketType server)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();
        using var raw = HandshakenRaw(guarded);
        var before = Encoding.ASCII.GetBytes("raw-before-garbage");
        raw.Send(Zmtp.Frame(before));
        ExpectRawMessage(guarded, server, before);

        // The garbage, and a valid frame right behind it in the same write: that one must not arrive either.
        var (bytes, reason) = Garbage[garbage];
        raw.Send([.. bytes, .. Zmtp.TextFrame("must-not-arrive")]);
        guarded.RoundTripGood();
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), $"Zera kept the connection open after '{garbage}'");
        guarded.ExpectDisconnect(reason);
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void GarbageInTheMiddleOfAMultipartMessageDeliversNoPartOfIt(SocketType server)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();
        using var raw = HandshakenRaw(guarded);
        raw.Send([.. Zmtp.TextFrame("part-1", more: true), .. Zmtp.TextFrame("part-2", more: true), 0x80, 1, 0x00]);
        guarded.RoundTripGood();
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), "Zera kept the connection open after reserved flag bits");
        guarded.ExpectDisconnect("reserved frame flag bits set (0x80)");
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    [Theory]
    [InlineData(SocketType.Pull, false)]
    [InlineData(SocketType.Pull, true)]
    [InlineData(SocketType.Router, false)]
    [InlineData(SocketType.Router, true)]
    public void PeerVanishingMidMessageDeliversNoPartOfIt(SocketType server, bool reset)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();
        using var raw = HandshakenRaw(guarded);
        raw.Send([.. Zmtp.TextFrame("complete")]);
        ExpectRawMessage(guarded, server, Encoding.ASCII.GetBytes("complete"));

        // Two frames of a three-frame message, then the peer is gone.
        raw.Send([.. Zmtp.TextFrame("part-1", more: true), .. Zmtp.TextFrame("part-2", more: true)]);
        guarded.SendGood();
        if (reset) raw.Reset();
        else
        {
            raw.ShutdownSend();
            Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), "Zera kept its side open after the peer ended mid-message");
        }
        guarded.ExpectGood();
        guarded.ExpectDisconnect(reset ? "reset" : "the peer closed the connection");
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void PeerStallingMidFrameBlocksNothing(SocketType server)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();

        // Three peers each promise a 1000-byte frame, send 10 bytes of it, and stop.
        var payload = Pattern(1000);
        var stalled = new List<RawZmtpClient>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                // Distinct routing ids: a ROUTER refuses a second peer with the id of the first.
                var raw = HandshakenRaw(guarded, i == 0 ? RawId : Encoding.ASCII.GetBytes($"raw-peer-{i}"));
                stalled.Add(raw);
                raw.Send([.. Zmtp.Header(0, payload.Length, longForm: true), .. payload.AsSpan(0, 10)]);
            }

            // The good peer is not held up by them, and nothing partial surfaces.
            guarded.RoundTripGood(200);
            guarded.ExpectNothingMore();

            // One resumes: its frame completes and arrives whole.
            stalled[0].Send(payload.AsSpan(10));
            ExpectRawMessage(guarded, server, payload);
            guarded.RoundTripGood();

            // The others vanish mid-frame, one with a reset and one with an orderly close.
            stalled[1].Reset();
            stalled[2].ShutdownSend();
            Assert.True(stalled[2].WaitUntilClosedByPeer(CloseDeadline), "Zera kept its side open after the peer ended mid-frame");
            guarded.ExpectDisconnect("reset");
            guarded.ExpectDisconnect("the peer closed the connection");
            guarded.RoundTripGood();
            guarded.ExpectNothingMore();
        }
        finally
        {
            foreach (var raw in stalled) raw.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void ByteAtATimeDeliveryIsReassembled(SocketType server)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();
        using var raw = guarded.ConnectRaw();
        var body = Pattern(300);
        byte[] stream = [.. Zmtp.Greeting(), .. Zmtp.Ready(guarded.PeerTypeName, server == SocketType.Router ? RawId : null),
            .. Zmtp.Frame(body, more: true), .. Zmtp.TextFrame("end")];
        for (int i = 0; i < stream.Length; i++)
        {
            raw.Send(stream.AsSpan(i, 1));
            if (i % 97 == 0) guarded.SendGood(1);
        }
        guarded.ExpectGood();
        var parts = guarded.ReceiveOther("the byte-at-a-time message");
        if (server == SocketType.Router)
        {
            Assert.Equal(RawId, parts[0]);
            parts.RemoveAt(0);
        }
        Assert.Equal(2, parts.Count);
        Assert.Equal(body, parts[0]);
        Assert.Equal("end", Encoding.ASCII.GetString(parts[1]));
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    private static RawZmtpClient HandshakenRaw(GuardedServer guarded, byte[]? routerId = null)
    {
        var raw = guarded.ConnectRaw();
        try
        {
            var props = raw.Handshake(guarded.PeerTypeName, guarded.Server.Type == SocketType.Router ? routerId ?? RawId : null);
            Assert.Equal(guarded.Server.Type == SocketType.Pull ? "PULL" : "ROUTER", Encoding.ASCII.GetString(props["Socket-Type"]));
            return raw;
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    private static void ExpectRawMessage(GuardedServer guarded, SocketType server, byte[] body)
    {
        var parts = guarded.ReceiveOther("the raw peer's message");
        if (server == SocketType.Router)
        {
            Assert.True(parts.Count == 2 && parts[0].AsSpan().SequenceEqual(RawId), $"wrong envelope: {GuardedServer.Show(parts)}");
            parts.RemoveAt(0);
        }
        Assert.Single(parts);
        Assert.Equal(body, parts[0]);
    }

    private static byte[] Pattern(int size)
    {
        var data = new byte[size];
        for (int i = 0; i < size; i++) data[i] = (byte)(i * 31 + 7);
        return data;
    }
}
