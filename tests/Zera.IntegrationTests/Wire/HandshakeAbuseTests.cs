using System.Diagnostics;
using System.Text;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// Peers that break the ZMTP handshake (RFC 23/37): a foreign or damaged greeting, a greeting cut short, a handshake
/// that never finishes, a READY that is malformed or names an incompatible socket type. Zera must close each such
/// connection, deliver nothing from it, and keep serving a well-behaved peer connected to the same socket throughout.
/// </summary>
public sealed class HandshakeAbuseTests
{
    private static readonly TimeSpan CloseDeadline = TimeSpan.FromSeconds(5);

    /// <summary>Server types the handshake cases run against.</summary>
    public static TheoryData<SocketType> Servers => new() { SocketType.Pull, SocketType.Router };

    private static readonly Dictionary<string, byte[]> BadGreetings = new()
    {
        ["http-request"] = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n".PadRight(Zmtp.GreetingSize, ' ')),
        ["zero-bytes"] = new byte[Zmtp.GreetingSize],
        ["signature-without-7F"] = [0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7E, 3, 1, .. new byte[52]],
        ["zmtp-2-greeting-of-a-pub"] = [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 1, 0, 0], // ZMTP 2.0 is served, but not a PUB
        ["unknown-mechanism"] = Zmtp.Greeting(mechanism: "FOO"),
        ["curve-mechanism"] = Zmtp.Greeting(mechanism: "CURVE"),
    };

    public static TheoryData<string, SocketType> BadGreetingCases() => Cross(BadGreetings.Keys);

    [Theory]
    [MemberData(nameof(BadGreetingCases))]
    public void ForeignOrUnsupportedGreetingIsClosed(string greeting, SocketType server)
    {
        using var guarded = new GuardedServer(server);
        guarded.RoundTripGood();
        using var raw = guarded.ConnectRaw();
        raw.Send(BadGreetings[greeting]);
        guarded.RoundTripGood();
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), $"Zera kept the connection open after a '{greeting}' greeting");
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
        // The good peer finished its handshake long ago: the timer must not have touched it.
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    /// <summary>What a peer sends after a valid greeting, given the socket type that would be compatible.</summary>
    private static readonly Dictionary<string, Func<string, byte[]>> BadHandshakes = new()
    {
        ["data-before-ready"] = _ => Zmtp.TextFrame("sneaky"),
        ["ping-before-ready"] = _ => Zmtp.Frame(Zmtp.CommandBody("PING", [0, 0]), command: true),
        ["ready-without-socket-type"] = _ => Zmtp.Frame(Zmtp.CommandBody("READY", Zmtp.Property("Identity", "x"u8)), command: true),
        ["ready-with-unknown-socket-type"] = _ => Zmtp.Ready("BANANA"),
        ["ready-with-incompatible-socket-type"] = _ => Zmtp.Ready("PUB"),
        ["ready-with-one-way-mismatch"] = compatible => Zmtp.Ready(compatible == "PUSH" ? "PULL" : "PUSH"),
        ["ready-with-truncated-property"] = compatible => Zmtp.Frame(Zmtp.CommandBody("READY", Zmtp.Property("Socket-Type", Encoding.ASCII.GetBytes(compatible))[..^2]), command: true),
        ["ready-with-value-length-overflow"] = _ => Zmtp.Frame(Zmtp.CommandBody("READY", [11, .. "Socket-Type"u8, 0xFF, 0xFF, 0xFF, 0xF0, .. "PUSH"u8]), command: true),
        ["ready-with-zero-length-name"] = _ => Zmtp.Frame(Zmtp.CommandBody("READY", [0, 0, 0, 0, 0]), command: true),
        ["command-with-name-past-end"] = _ => Zmtp.Frame([40, .. "READY"u8], command: true),
        ["empty-command"] = _ => Zmtp.Frame([], command: true),
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
        raw.Send([.. Zmtp.Greeting(), .. BadHandshakes[handshake](guarded.PeerTypeName), .. Zmtp.TextFrame("must-not-arrive")]);
        guarded.RoundTripGood();
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), $"Zera kept the connection open after '{handshake}'");
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
