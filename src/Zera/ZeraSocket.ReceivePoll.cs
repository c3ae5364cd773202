using System.Diagnostics;

namespace Zera;

// A receive that finds its socket empty looks again for a while before it arms its pipes and sleeps: a few
// microseconds for every socket (a reader as fast as its writer finds the pipe empty every few messages), and up to
// 100 µs for a REQ or REP socket whose answers come quickly (Core.AnswerPoll says why).
public sealed partial class ZeraSocket
{
    /// <summary>Rounds of <see cref="PollSpin"/> a receive polls for a message before it arms its pipes and waits.</summary>
    private const int PollRounds = 5;

    /// <summary><see cref="Thread.SpinWait"/> iterations per round: about a microsecond, so a receive polls for about
    /// 6 µs in all (longer only for answers, below).</summary>
    private const int PollSpin = 30;

    /// <summary>Polling only pays where the writer runs on another core meanwhile.</summary>
    private static readonly bool s_poll = Environment.ProcessorCount > 1;

    /// <summary>For REQ and REP: how long to poll for the next answer.</summary>
    private Core.AnswerPoll _answerPoll;

    /// <summary>Tries to receive, and if nothing is there, looks again for a while before the caller arms the pipes
    /// and waits, without arming them meanwhile (<see cref="Core.Pipe.DeferArming"/>): about 6 µs, or up to
    /// <see cref="Core.AnswerPoll.Budget"/> for a REQ or REP socket whose answers have been coming quickly. Arming a
    /// pipe makes its writer wake the reader; a reader that keeps up with its writer would arm it every few messages.
    /// An idle socket costs one such poll per receive call, then sleeps as before.</summary>
    private bool PollBeforeWaiting(out Frame frame)
    {
        if (!s_poll || !_pattern.ReadsUnarmed)
        {
            frame = default;
            return false;
        }
        Core.Pipe.DeferArming = true;
        try
        {
            if (TryReceiveNow(out frame)) return true;
            // The answer poll's end; already past (0, or the start) when this socket does not poll for answers.
            long until = _pattern.AwaitsAnswers ? _answerPoll.Begin(Stopwatch.GetTimestamp()) : 0;
            for (int round = 0; round < PollRounds; round++)
            {
                Thread.SpinWait(PollSpin);
                if (TryReceiveNow(out frame)) return true;
            }
            while (Stopwatch.GetTimestamp() < until)
            {
                Thread.SpinWait(PollSpin);
                // Over ipc the kernel wakes the peer's reading thread onto the sender's core, where this poll may be
                // running: yielding lets it run (ipc round trips 30-45 µs with the yield, 60-70 µs without).
                Thread.Yield();
                if (TryReceiveNow(out frame)) return true;
            }
            return false;
        }
        finally
        {
            Core.Pipe.DeferArming = false;
        }
    }

    /// <summary>After a receive that polled, slept and then got its frame: for REQ and REP, tells the answer poll how
    /// long the wait was.</summary>
    private void AfterWaiting()
    {
        if (_pattern.AwaitsAnswers) _answerPoll.Answered(Stopwatch.GetTimestamp());
    }
}
