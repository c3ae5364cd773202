namespace Zera.Cli.Commands;

/// <summary>Whole-message send and receive with an optional timeout on top of the command's cancellation.</summary>
public static class MessageIo
{
    /// <summary>Receives one whole message; null when <paramref name="timeoutMs"/> (-1 = none) ran out first.
    /// Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<List<byte[]>?> ReceiveAsync(ZeraSocket socket, int timeoutMs, CancellationToken cancellationToken)
    {
        if (timeoutMs < 0) return await socket.ReceiveMultipartAsync(cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeoutMs);
        try
        {
            return await socket.ReceiveMultipartAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Sends <paramref name="frames"/> as one message; false when <paramref name="timeoutMs"/> (-1 = none)
    /// ran out before it could be queued.</summary>
    public static async Task<bool> SendAsync(ZeraSocket socket, IReadOnlyList<byte[]> frames, int timeoutMs, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeoutMs >= 0) deadline.CancelAfter(timeoutMs);
        try
        {
            for (int i = 0; i < frames.Count; i++)
                await socket.SendAsync(frames[i], more: i < frames.Count - 1, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
