using System.Diagnostics;
using System.Text;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// Peers that break the ZMTP handshake (RFC 23/37): a foreign or damaged greeting, a greeting cut short, a handshake
/// that never finishes, a READY that is malformed or names an incompatible socket type. Zera must close each such
/// connection, deliver nothing from it, keep serving a well-behaved peer connected to the same socket throughout, and
/// report the failure on its monitor with libzmq's event and value, and the reason.
/// </summary>
public sealed class HandshakeAbuseTests
{
    private static readonly TimeSpan CloseDeadline = TimeSpan.FromSeconds(5);

    // libzmq's ZMQ_PROTOCOL_ERROR_* values (zmq.h).
    private const int Unspecified = 0x10000000;
    private const int UnexpectedCommand = 0x10000001;
    private const int MalformedError = 0x10000015;
    private const int InvalidMetadata = 0x10000018;
    private const int MechanismMismatch = 0x11000002;

    /// <summary>What the server's monitor must report for a bad handshake: the event, libzmq's value, and a piece of
    /// the reason.</summary>
    private sealed record Failure(SocketEventKind Kind, int Value, string Reason);

    private static Failure Protocol(int value, string reason) => new(SocketEventKind.HandshakeFailedProtocol, value, reason);

    /// <summary>Server types the handshake cases run against.</summary>
    public static TheoryData<SocketType> Servers => new() { SocketType.Pull, SocketType.Router };

    private static readonly Dictionary<string, (byte[] Bytes, Failure Failure)> BadGreetings = new()
    {
        // Foreign bytes are taken for a ZMTP 1.0 peer's first frame, and refused as soon as they cannot be one.
        ["http-request"] = (Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n".PadRight(Zmtp.GreetingSize, ' ')),
            Protocol(Unspecified, "reserved ZMTP 1.0 flag bits")),
        ["zero-bytes"] = (new byte[Zmtp.GreetingSize], Protocol(Unspecified, "length of 0")),
        ["signature-without-7F"] = ([0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7E, 3, 1, .. new byte[52]], Protocol(Unspecified, "length of 0")),
        // ZMTP 2.0 is served, but not a PUB.
        ["zmtp-2-greeting-of-a-pub"] = ([0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 1, 0, 0], Protocol(Unspecified, "cannot talk to a PUB")),
        ["unknown-mechanism"] = (Zmtp.Greeting(mechanism: "FOO"), Protocol(MechanismMismatch, "FOO")),
        ["curve-mechanism"] = (Zmtp.Greeting(mechanism: "CURVE"), Protocol(MechanismMismatch, "CURVE")),
    };

    public static TheoryData<string, SocketType> BadGreetingCases() => Cross(BadGreetings.Keys);

    [Theory]
    [MemberData(nameof(BadGreetingCases))]
    public void ForeignOrUnsupportedGreetingIsClosed(string greeting, SocketType server)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();
        using var raw = guarded.ConnectRaw();
        var (bytes, failure) = BadGreetings[greeting];
        raw.Send(bytes);
        guarded.RoundTripGood();
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), $"Zera kept the connection open after a '{greeting}' greeting");
        guarded.ExpectHandshakeFailure(failure.Kind, failure.Value, failure.Reason);
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void GreetingCutShortByEndOfStreamIsClosed(SocketType server)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();
        using var raw = guarded.ConnectRaw();
        raw.Send(Zmtp.Greeting().AsSpan(0, 20));
        raw.ShutdownSend();
        guarded.RoundTripGood();
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), "Zera kept its side open after the peer ended mid-greeting");
        guarded.ExpectHandshakeFailure(SocketEventKind.HandshakeFailedNoDetail, null, "the peer closed the connection");
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void GreetingCutShortByResetLeavesTheSocketHealthy(SocketType server)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();
        using var raw = guarded.ConnectRaw();
        raw.Send(Zmtp.Greeting().AsSpan(0, 20));
        guarded.SendGood();
        raw.Reset();
        guarded.ExpectGood();
        // A reset seen by a receive reads as one; seen first by the send of Zera's own greeting, it is that send's
        // error (a broken pipe), or the receive then finds the connection closed.
        guarded.ExpectHandshakeFailure(SocketEventKind.HandshakeFailedNoDetail, null, "reset|the peer closed the connection|Broken pipe");
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    private static readonly Dictionary<string, byte[]> StalledHandshakes = new()
    {
        ["silent"] = [],
        ["half-greeting"] = Zmtp.Greeting()[..30],
        ["greeting-only"] = Zmtp.Greeting(),
        ["greeting-and-half-ready"] = [.. Zmtp.Greeting(), .. Zmtp.Ready("PUSH")[..10]],
    };

    public static TheoryData<string, SocketType> StalledHandshakeCases() => Cross(StalledHandshakes.Keys);

    [Theory]
    [MemberData(nameof(StalledHandshakeCases))]
    public void HandshakeThatNeverCompletesIsClosedAfterHandshakeInterval(string stall, SocketType server)
    {
        const int handshakeMs = 500;
        using var guarded = new GuardedServer(server, s => s.HandshakeInterval = handshakeMs);
        guarded.RoundTripGood();
        using var raw = guarded.ConnectRaw();
        var clock = Stopwatch.StartNew();
        raw.Send(StalledHandshakes[stall]);
        guarded.RoundTripGood();
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), $"a '{stall}' handshake was still open after {CloseDeadline.TotalSeconds:F0} s (HandshakeInterval {handshakeMs} ms)");
        Assert.True(clock.ElapsedMilliseconds >= handshakeMs / 2,
            $"the connection was closed after {clock.ElapsedMilliseconds} ms, well before HandshakeInterval ({handshakeMs} ms): not by the handshake timer");
        guarded.ExpectHandshakeFailure(SocketEventKind.HandshakeFailedNoDetail, null, $"handshake not completed within {handshakeMs} ms");
        // The good peer finished its handshake long ago: the timer must not have touched it.
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    /// <summary>What a peer sends after a valid greeting, given the socket type that would be compatible, and what
    /// the monitor reports for it (libzmq's values: its NULL mechanism's for commands, its PLAIN and CURVE
    /// mechanisms' for metadata).</summary>
    private static readonly Dictionary<string, (Func<string, byte[]> Send, Failure Failure)> BadHandshakes = new()
    {
        ["data-before-ready"] = (_ => Zmtp.TextFrame("sneaky"), Protocol(UnexpectedCommand, "data frame before the handshake completed")),
        ["ping-before-ready"] = (_ => Zmtp.Frame(Zmtp.CommandBody("PING", [0, 0]), command: true), Protocol(UnexpectedCommand, "expected READY, got PING")),
        ["ready-without-socket-type"] = (_ => Zmtp.Frame(Zmtp.CommandBody("READY", Zmtp.Property("Identity", "x"u8)), command: true),
            Protocol(InvalidMetadata, "READY without Socket-Type")),
        ["ready-with-unknown-socket-type"] = (_ => Zmtp.Ready("BANANA"), Protocol(InvalidMetadata, "cannot talk to a BANANA socket")),
        ["ready-with-incompatible-socket-type"] = (_ => Zmtp.Ready("PUB"), Protocol(InvalidMetadata, "cannot talk to a PUB socket")),
        ["ready-with-one-way-mismatch"] = (compatible => Zmtp.Ready(compatible == "PUSH" ? "PULL" : "PUSH"), Protocol(InvalidMetadata, "cannot talk to a PU")),
        ["ready-with-truncated-property"] = (compatible => Zmtp.Frame(Zmtp.CommandBody("READY", Zmtp.Property("Socket-Type", Encoding.ASCII.GetBytes(compatible))[..^2]), command: true),
            Protocol(InvalidMetadata, "metadata value runs past the command")),
        ["ready-with-value-length-overflow"] = (_ => Zmtp.Frame(Zmtp.CommandBody("READY", [11, .. "Socket-Type"u8, 0xFF, 0xFF, 0xFF, 0xF0, .. "PUSH"u8]), command: true),
            Protocol(InvalidMetadata, "metadata value runs past the command")),
        ["ready-with-zero-length-name"] = (_ => Zmtp.Frame(Zmtp.CommandBody("READY", [0, 0, 0, 0, 0]), command: true), Protocol(InvalidMetadata, "malformed metadata property")),
        ["command-with-name-past-end"] = (_ => Zmtp.Frame([40, .. "READY"u8], command: true), Protocol(UnexpectedCommand, "malformed command frame")),
        ["empty-command"] = (_ => Zmtp.Frame([], command: true), Protocol(UnexpectedCommand, "malformed command frame")),
        // The peer refuses us: with a ZAP status (libzmq's authentication refusal), with words, or unreadably.
        ["error-with-zap-status"] = (_ => Zmtp.Frame(Zmtp.CommandBody("ERROR", [3, .. "400"u8]), command: true),
            new Failure(SocketEventKind.HandshakeFailedAuth, 400, "peer refused the handshake: 400")),
        ["error-with-a-reason"] = (_ => Zmtp.Frame(Zmtp.CommandBody("ERROR", [7, .. "go away"u8]), command: true), Protocol(Unspecified, "peer refused the handshake: go away")),
        ["error-malformed"] = (_ => Zmtp.Frame(Zmtp.CommandBody("ERROR", [9, .. "go"u8]), command: true), Protocol(MalformedError, "malformed ERROR command")),
    };

    public static TheoryData<string, SocketType> BadHandshakeCases() => Cross(BadHandshakes.Keys);

    [Theory]
    [MemberData(nameof(BadHandshakeCases))]
    public void MalformedOrIncompatibleReadyIsClosedAndDeliversNothing(string handshake, SocketType server)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();
        using var raw = guarded.ConnectRaw();
        // A data frame follows the bad handshake: it must never reach the application.
        var (send, failure) = BadHandshakes[handshake];
        raw.Send([.. Zmtp.Greeting(), .. send(guarded.PeerTypeName), .. Zmtp.TextFrame("must-not-arrive")]);
        guarded.RoundTripGood();
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), $"Zera kept the connection open after '{handshake}'");
        guarded.ExpectHandshakeFailure(failure.Kind, failure.Value, failure.Reason);
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void IncompatibleSocketTypeIsAnsweredWithErrorBeforeClosing(SocketType server)
    {
        // Zera means to tell such a peer why (an ERROR command, RFC 23) before it closes the connection.
        using var guarded = new GuardedServer(server, withGoodPeer: false);
        using var raw = guarded.ConnectRaw();
        raw.Send([.. Zmtp.Greeting(), .. Zmtp.Ready("PUB")]);
        Assert.Equal(Zmtp.GreetingSize, raw.ReadExactly(Zmtp.GreetingSize).Length);
        var (frames, closed) = raw.ReadFramesUntilClosed(CloseDeadline);
        Assert.True(closed, "Zera kept the connection open after an incompatible READY");
        Assert.True(frames.Count >= 1 && frames[0].IsCommand && frames[0].CommandName == "READY", $"Zera's READY missing: {string.Join("; ", frames)}");
        Assert.True(frames.Exists(f => f.IsCommand && f.CommandName == "ERROR"),
            $"Zera closed the connection without the ERROR command it means to send; it sent only: {string.Join("; ", frames)}");
        guarded.ExpectHandshakeFailure(SocketEventKind.HandshakeFailedProtocol, InvalidMetadata, "cannot talk to a PUB socket");
    }

    private static TheoryData<string, SocketType> Cross(IEnumerable<string> names)
    {
        var data = new TheoryData<string, SocketType>();
        foreach (var name in names)
        {
            data.Add(name, SocketType.Pull);
            data.Add(name, SocketType.Router);
        }
        return data;
    }
}
