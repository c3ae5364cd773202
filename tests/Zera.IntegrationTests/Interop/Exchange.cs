namespace Zera.IntegrationTests.Interop;

/// <summary>One message crossing between Zera and libzmq: who sends it, the envelope frames the sender puts before
/// the body, and the envelope frames the receiver must see before the body (routing ids, delimiters).</summary>
/// <param name="FromZera">True when Zera sends and libzmq receives.</param>
/// <param name="SendEnvelope">Frames the sending application adds before the body.</param>
/// <param name="ReceiveEnvelope">Frames the receiving application gets before the body.</param>
/// <param name="RetryUnroutable">The sender is a ROUTER that may not know the peer yet: retry until routable.</param>
internal sealed record Exchange(bool FromZera, TestFrame[] SendEnvelope, TestFrame[] ReceiveEnvelope, bool RetryUnroutable = false);
