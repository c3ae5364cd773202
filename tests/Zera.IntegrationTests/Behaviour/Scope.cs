using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// One test's context and sockets. Sockets it makes have <c>Linger = 0</c> (a test that leaves messages behind must
/// not hold the context open); disposal closes those still open, then terminates the context and fails the test if
/// that hangs.
/// </summary>
internal sealed class Scope : IDisposable
{
    private readonly List<ZeraSocket> _sockets = [];
    private bool _disposed;

    public Context Context { get; } = new();

    /// <summary>A new socket of <paramref name="type"/> with zero linger.</summary>
    public ZeraSocket Make(SocketType type)
    {
        var s = Context.CreateSocket(type);
        s.Linger = 0;
        _sockets.Add(s);
        return s;
    }

    /// <summary>A new socket of <paramref name="type"/> with the default linger (-1), for tests about lingering.
    /// Still closed with zero linger at the end of the scope if the test left it open.</summary>
    public ZeraSocket MakeLingering(SocketType type)
    {
        var s = Context.CreateSocket(type);
        _sockets.Add(s);
        return s;
    }

    /// <summary>A new socket bound on a fresh endpoint of <paramref name="transport"/>; returns the endpoint to
    /// connect to.</summary>
    public ZeraSocket Bound(SocketType type, string transport, out string endpoint)
    {
        var s = Make(type);
        endpoint = Endpoints.Bind(s, transport);
        return s;
    }

    /// <summary>A new socket connected to <paramref name="endpoint"/>.</summary>
    public ZeraSocket Connected(SocketType type, string endpoint)
    {
        var s = Make(type);
        s.Connect(endpoint);
        return s;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // A socket still open here belongs to a test that is over (or failed): nothing it holds matters any more.
        for (int i = _sockets.Count - 1; i >= 0; i--)
        {
            if (_sockets[i].IsDisposed) continue; // the test disposed it itself (an option set now would throw)
            _sockets[i].Linger = 0;
            _sockets[i].Dispose();
        }
        Io.Terminate(Context);
    }
}

/// <summary>Sending and receiving with a deadline, so a misbehaving socket fails the test instead of hanging it.</summary>
internal static class Io
{
    /// <summary>How long something that should happen may take.</summary>
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(5);

    /// <summary>How long to watch for something that should not happen.</summary>
    public static readonly TimeSpan Short = TimeSpan.FromMilliseconds(250);

    /// <summary>The stream transports (no inproc), for behaviour only they have.</summary>
    public static TheoryData<string> StreamTransports => new() { "tcp", "ipc" };

    /// <summary>Sends <paramref name="frames"/> as one message; fails the test if it cannot be queued in time.</summary>
    public static void Send(ZeraSocket s, params string[] frames)
    {
        for (int i = 0; i < frames.Length; i++)
            Assert.True(s.TrySend(frames[i], Long, more: i < frames.Length - 1), $"{s} could not send frame {i} ('{frames[i]}') in time");
    }

    /// <summary>Sends raw frames as one message; fails the test if it cannot be queued in time.</summary>
    public static void SendBytes(ZeraSocket s, params byte[][] frames)
    {
        for (int i = 0; i < frames.Length; i++)
            Assert.True(s.TrySend(frames[i], Long, more: i < frames.Length - 1), $"{s} could not send frame {i} in time");
    }

    /// <summary>Receives one whole message as raw frames.</summary>
    public static List<byte[]> ReceiveBytes(ZeraSocket s, TimeSpan? timeout = null)
    {
        Assert.True(s.TryReceiveMultipart(timeout ?? Long, out var parts), $"{s} received nothing within {(timeout ?? Long).TotalSeconds:F1} s");
        Assert.False(s.ReceiveMore, "a whole message was read but ReceiveMore is still set");
        return parts;
    }

    /// <summary>Receives one whole message as UTF-8 frames.</summary>
    public static List<string> Receive(ZeraSocket s, TimeSpan? timeout = null) =>
        ReceiveBytes(s, timeout).Select(b => Encoding.UTF8.GetString(b)).ToList();

    /// <summary>Receives one message and checks it is exactly <paramref name="frames"/>.</summary>
    public static void Expect(ZeraSocket s, params string[] frames) => Assert.Equal(frames, Receive(s));

    /// <summary>Checks that nothing arrives on <paramref name="s"/> for a short while.</summary>
    public static void ExpectNothing(ZeraSocket s, TimeSpan? wait = null)
    {
        if (s.TryReceive(out var f, wait ?? Short))
        {
            string shown = f.ToString();
            f.Dispose();
            Assert.Fail($"{s} received {shown} but nothing was expected");
        }
    }

    /// <summary>Receives a message on <paramref name="s"/> and sends the same frames back (a ROUTER's reply then goes
    /// to the peer that asked).</summary>
    public static List<byte[]> Bounce(ZeraSocket s)
    {
        var parts = ReceiveBytes(s);
        SendBytes(s, [.. parts]);
        return parts;
    }

    /// <summary>On a ROUTER with <c>RouterMandatory</c>: waits until <paramref name="id"/> is routable, then sends
    /// <paramref name="id"/> followed by <paramref name="body"/>.</summary>
    public static void SendWhenRoutable(ZeraSocket router, byte[] id, params string[] body)
    {
        Assert.True(router.RouterMandatory, "SendWhenRoutable needs RouterMandatory to see whether a peer is known");
        Wait.Until(() =>
        {
            try
            {
                return router.TrySend(id, Long, more: true);
            }
            catch (ZeraException e) when (e.Kind == ErrorKind.HostUnreachable)
            {
                return false;
            }
        }, $"peer {Encoding.UTF8.GetString(id)} becoming routable");
        for (int i = 0; i < body.Length; i++)
            Assert.True(router.TrySend(body[i], Long, more: i < body.Length - 1));
    }

    /// <summary>True when <paramref name="task"/> finishes (in any state) within <paramref name="timeout"/>.</summary>
    public static async Task<bool> CompletesWithin(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception)
        {
            // Finished by failing or being cancelled: still finished.
        }
        return task.IsCompleted;
    }

    /// <summary>Terminates <paramref name="context"/>, failing the test if that does not finish in time.</summary>
    public static void Terminate(Context context, TimeSpan? timeout = null)
    {
        var t = Task.Run(context.Dispose);
        if (!t.Wait(timeout ?? Long))
            Assert.Fail("Context.Dispose did not return: a socket or a lingering connection kept it open");
    }

    /// <summary>A bytes-of-UTF-8 shorthand.</summary>
    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A loopback TCP port that nothing listens on right now.</summary>
    public static int FreeTcpPort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>An endpoint of <paramref name="transport"/> that nobody has bound yet but that can be bound later,
    /// written in its connectable form (tcp with a concrete port).</summary>
    public static string Unbound(string transport) =>
        transport == "tcp" ? $"tcp://127.0.0.1:{FreeTcpPort()}" : Endpoints.ForBind(transport);
}
