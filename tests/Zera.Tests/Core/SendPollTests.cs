using Zera.Core;

namespace Zera.Tests.Core;

public class SendPollTests
{
    private const long Start = 1_000_000;

    [Fact]
    public void ANewSocketPollsForTheBudget()
    {
        var poll = new SendPoll();
        Assert.False(poll.Slow);
        Assert.Equal(Start + SendPoll.Budget, poll.Until(Start));
    }

    [Fact]
    public void AWaitLongerThanTheBudgetStopsThePoll()
    {
        var poll = new SendPoll();
        poll.Waited(Start, Start + SendPoll.Budget + 1);
        Assert.True(poll.Slow);
        Assert.Equal(0, poll.Until(Start + 10 * SendPoll.Budget));
    }

    [Fact]
    public void AQuickWaitAfterASlowOneStartsThePollAgain()
    {
        var poll = new SendPoll();
        poll.Waited(Start, Start + 100 * SendPoll.Budget);
        Assert.True(poll.Slow);
        long later = Start + 200 * SendPoll.Budget;
        poll.Waited(later, later + SendPoll.Budget);
        Assert.False(poll.Slow);
        Assert.Equal(later + 5 + SendPoll.Budget, poll.Until(later + 5));
    }

    [Fact]
    public void TheBudgetIsPositive() => Assert.True(SendPoll.Budget > 0);
}
