using System.Diagnostics;

namespace Zera.Cli.Bench;

/// <summary>
/// <c>bench hs</c>: a ROUTER bound at the endpoint echoes every message; COUNT times a new DEALER connects, sends one
/// message, waits for the echo and closes with linger 0. With CURVE the ROUTER is the server and each DEALER a client
/// with a new key pair, so every connection pays a full handshake. rate = COUNT/elapsed, as bench/curve/curve.c
/// computes it for libzmq.
/// </summary>
public static class HandshakeBench
{
    private static readonly byte[] s_payload = "x"u8.ToArray();

    /// <summary>Measures and prints the RESULT line.</summary>
    public static int Run(BenchSettings c, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(stdout);
        double seconds;
        using (var context = new Context())
        {
            using var router = context.CreateSocket(SocketType.Router);
            router.Linger = 0;
            c.Curve?.ApplyServer(router);
            router.Bind(c.Endpoint);
            string endpoint = router.LastEndpoint ?? c.Endpoint; // a tcp "*" port resolved

            using var stop = new CancellationTokenSource();
            var echo = Task.Run(() => EchoAsync(router, stop.Token), CancellationToken.None);
            try
            {
                long t0 = Stopwatch.GetTimestamp();
                for (long i = 0; i < c.Count; i++) RoundTrip(context, c, endpoint, i, echo);
                seconds = (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;
            }
            finally
            {
                stop.Cancel();
                if (!echo.Wait(c.TimeoutMs))
                    throw new CliException($"bench: the echo loop did not stop within {c.TimeoutMs} ms", ExitCodes.Failure);
            }
        }

        stdout.WriteLine(ResultLine.Inv(
            $"{ResultLine.Prefix("hs")} transport={c.Transport} mechanism={BenchCurve.Label(c.Curve)} count={c.Count} elapsed_s={seconds:F6} conns_per_s={c.Count / seconds:F0}"));
        return ExitCodes.Ok;
    }

    private static void RoundTrip(Context context, BenchSettings c, string endpoint, long index, Task echo)
    {
        using var dealer = context.CreateSocket(SocketType.Dealer);
        dealer.Linger = 0;
        dealer.SendTimeout = c.TimeoutMs;
        c.Curve?.ApplyClient(dealer);
        dealer.Connect(endpoint);
        try
        {
            dealer.Send(s_payload);
        }
        catch (ZeraException e) when (e.Kind == ErrorKind.WouldBlock)
        {
            throw new CliException($"bench: send timed out at connection {index} of {c.Count}", ExitCodes.Failure);
        }
        if (!dealer.TryReceive(out var reply, TimeSpan.FromMilliseconds(c.TimeoutMs)))
        {
            string why = echo.IsFaulted ? $" (the echo loop failed: {echo.Exception?.GetBaseException().Message})" : "";
            throw new CliException($"bench: no echo within {c.TimeoutMs} ms at connection {index} of {c.Count}{why}", ExitCodes.Failure);
        }
        reply.Dispose();
    }

    /// <summary>Sends every message back to the DEALER it came from, until <paramref name="ct"/> fires.</summary>
    private static async Task EchoAsync(ZeraSocket router, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var message = await router.ReceiveMultipartAsync(ct).ConfigureAwait(false);
                router.SendMultipart(message);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Done.
        }
    }
}
