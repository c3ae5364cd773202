namespace Zera.IntegrationTests.Examples;

/// <summary>identity and multipart: what a ROUTER sees in front of each message.</summary>
public sealed class RoutingIdExampleTests
{
    [Fact]
    public void Identity_shows_a_generated_and_a_chosen_routing_id()
    {
        var result = ExampleRun.RunToSuccess("identity");
        Assert.Equal(8, result.Stdout.Count);
        Assert.Matches(@"^\[005\] 00[0-9A-F]{8}$", result.Stdout[1]); // generated: 5 bytes, the first zero
        Assert.Equal(["[000] ", "[039] ROUTER uses a generated 5 byte identity"], result.Stdout.Skip(2).Take(2));
        Assert.Equal(["[005] PEER2", "[000] ", "[040] ROUTER socket uses REQ's socket identity"], result.Stdout.Skip(5));
    }

    [Fact]
    public void Multipart_arrives_with_the_dealers_routing_id()
    {
        var result = ExampleRun.RunToSuccess("multipart");
        Assert.Equal(["router received: client-1 | header |  | body", "dealer received: reply"], result.Stdout);
    }
}
