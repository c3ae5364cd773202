using Zera.Core;

namespace Zera.Tests.Core;

public class AnswerPollTests
{
    private const long Start = 1_000_000;

    [Fact]
    public void ANewSocketDoesNotPollForAnswers()
    {
        var poll = new AnswerPoll();
        Assert.False(poll.Quick);
        Assert.Equal(Start, poll.Begin(Start));
    }

    [Fact]
    public void AnAnswerWithinTheWindowMakesTheNextReceivePollForTheBudget()
    {
        var poll = new AnswerPoll();
        poll.Begin(Start);
        poll.Answered(Start + AnswerPoll.Window);
        Assert.True(poll.Quick);
        long next = Start + 5 * AnswerPoll.Window;
        Assert.Equal(next + AnswerPoll.Budget, poll.Begin(next));
    }

    [Fact]
    public void AnAnswerLaterThanTheWindowStopsTheLongPoll()
    {
        var poll = new AnswerPoll();
        poll.Begin(Start);
        poll.Answered(Start + 1);
        Assert.True(poll.Quick);
        poll.Begin(Start + 10);
        poll.Answered(Start + 10 + AnswerPoll.Window + 1);
        Assert.False(poll.Quick);
        long next = Start + 100 * AnswerPoll.Window;
        Assert.Equal(next, poll.Begin(next));
    }

    [Fact]
    public void TheWaitIsMeasuredFromTheLatestBegin()
    {
        // A long gap between two receives is not a slow answer: only the wait after Begin counts.
        var poll = new AnswerPoll();
        poll.Begin(Start);
        poll.Answered(Start + 1);
        long later = Start + 1_000 * AnswerPoll.Window;
        poll.Begin(later);
        poll.Answered(later + AnswerPoll.Window / 2);
        Assert.True(poll.Quick);
    }

    [Fact]
    public void TheBudgetIsShorterThanTheWindowAndBothArePositive()
    {
        Assert.True(AnswerPoll.Budget > 0);
        Assert.True(AnswerPoll.Budget < AnswerPoll.Window);
    }
}
