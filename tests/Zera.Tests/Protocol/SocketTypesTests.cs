using Zera.Protocol;

namespace Zera.Tests.Protocol;

/// <summary>Socket-Type names and the compatibility table of RFC 23 §The Socket-Type Property.</summary>
public class SocketTypesTests
{
    /// <summary>The RFC's table, row by row: which peers each type accepts.</summary>
    private static readonly Dictionary<SocketType, SocketType[]> s_rfcTable = new()
    {
        [SocketType.Req] = [SocketType.Rep, SocketType.Router],
        [SocketType.Rep] = [SocketType.Req, SocketType.Dealer],
        [SocketType.Dealer] = [SocketType.Rep, SocketType.Dealer, SocketType.Router],
        [SocketType.Router] = [SocketType.Req, SocketType.Dealer, SocketType.Router],
        [SocketType.Pub] = [SocketType.Sub, SocketType.XSub],
        [SocketType.XPub] = [SocketType.Sub, SocketType.XSub],
        [SocketType.Sub] = [SocketType.Pub, SocketType.XPub],
        [SocketType.XSub] = [SocketType.Pub, SocketType.XPub],
        [SocketType.Push] = [SocketType.Pull],
        [SocketType.Pull] = [SocketType.Push],
        [SocketType.Pair] = [SocketType.Pair],
    };

    [Fact]
    public void CompatibilityMatchesTheRfcTableInEveryCell()
    {
        foreach (var self in Enum.GetValues<SocketType>())
        foreach (var peer in Enum.GetValues<SocketType>())
        {
            bool expected = s_rfcTable[self].Contains(peer);
            Assert.True(expected == SocketTypes.Compatible(self, peer), $"{self} with {peer} should be {(expected ? "allowed" : "refused")}");
        }
    }

    [Theory]
    [InlineData(SocketType.Pair, "PAIR")]
    [InlineData(SocketType.Pub, "PUB")]
    [InlineData(SocketType.Sub, "SUB")]
    [InlineData(SocketType.Req, "REQ")]
    [InlineData(SocketType.Rep, "REP")]
    [InlineData(SocketType.Dealer, "DEALER")]
    [InlineData(SocketType.Router, "ROUTER")]
    [InlineData(SocketType.Pull, "PULL")]
    [InlineData(SocketType.Push, "PUSH")]
    [InlineData(SocketType.XPub, "XPUB")]
    [InlineData(SocketType.XSub, "XSUB")]
    public void WireNamesAreTheRfcNames(SocketType type, string name)
    {
        Assert.Equal(name, SocketTypes.Name(type));
        Assert.True(SocketTypes.TryParse(name, out var parsed));
        Assert.Equal(type, parsed);
        Assert.True(SocketTypes.TryParse(name.ToLowerInvariant(), out parsed));
        Assert.Equal(type, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("CLIENT")]
    [InlineData("REQ ")]
    [InlineData("Dealers")]
    public void UnknownNamesDoNotParse(string name) => Assert.False(SocketTypes.TryParse(name, out _));

    [Fact]
    public void OnlyReqDealerAndRouterAnnounceAnIdentity()
    {
        foreach (var type in Enum.GetValues<SocketType>())
            Assert.Equal(type is SocketType.Req or SocketType.Dealer or SocketType.Router, SocketTypes.SendsIdentity(type));
    }
}
