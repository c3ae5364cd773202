namespace Zera.IntegrationTests.Interop;

/// <summary>A pairing of a Zera socket type with a libzmq one, and the exchanges of one round of conversation
/// between them (a round is repeated until the conversation carries <see cref="PairCatalog.Messages"/>).</summary>
internal sealed record PairCase(string Name, SocketType Zera, string Libzmq, Exchange[] Round)
{
    public override string ToString() => Name;
}
