namespace Zera.Protocol.Mechanisms;

/// <summary>
/// The server side of ZMTP PLAIN (RFC 24), as libzmq runs it: the client's HELLO gives a username and a password,
/// which go to the ZAP handler (<see cref="MechanismStatus.AwaitingZap"/>); an accepting answer sends WELCOME, then
/// the client's INITIATE (its metadata) is answered with READY (ours) and the handshake is done. A refusal sends
/// ERROR with the status code (none for "300", a temporary failure) and ends it. Sans-I/O; malformed input is a
/// status with libzmq's ZMQ_PROTOCOL_ERROR_* value, never an exception.
/// </summary>
/// <remarks>Driven by one connection's receive side (see <see cref="IMechanism"/>).</remarks>
internal sealed class PlainServerMechanism : IMechanism
{
    private static readonly IReadOnlyDictionary<string, byte[]> s_none = new Dictionary<string, byte[]>();

    private readonly byte[] _ready;
    private byte[]? _due;
    private State _state = State.WaitingForHello;

    private enum State
    {
        WaitingForHello,
        WaitingForZap,
        WaitingForInitiate,
        Done,
    }

    /// <summary>A PLAIN server announcing <paramref name="properties"/> in its READY.</summary>
    public PlainServerMechanism(params ReadOnlySpan<(string Name, byte[] Value)> properties) =>
        _ready = Command.BuildReady(properties);

    public string Name => "PLAIN";

    public bool AsServer => true;

    public string? Failure { get; private set; }

    public int FailureCode { get; private set; }

    public IReadOnlyDictionary<string, byte[]> PeerProperties { get; private set; } = s_none;

    public IFrameTransform? FrameTransform => null;

    public ZapRequest? ZapRequest { get; private set; }

    public string UserId { get; private set; } = "";

    public IReadOnlyDictionary<string, byte[]>? ZapMetadata { get; private set; }

    public bool TryTakeCommand(out byte[] body)
    {
        body = _due!;
        _due = null;
        return body != null;
    }

    public MechanismStatus Process(ReadOnlySpan<byte> command) => _state switch
    {
        State.WaitingForHello => ProcessHello(command),
        State.WaitingForInitiate => ProcessInitiate(command),
        _ => Fail("a command while none is expected", ProtocolError.Unspecified),
    };

    private MechanismStatus ProcessHello(ReadOnlySpan<byte> command)
    {
        // libzmq's basic structure check: more than the name's length octet, and more than the name.
        if (command.Length <= 1 || command.Length <= command[0])
            return Fail("a command too short for its name", ProtocolError.MalformedCommand);
        if (!Command.TryParse(command, out var name, out var data) || name != PlainCommands.Hello)
            return Fail($"expected HELLO, got {name ?? "an unreadable command"}", ProtocolError.UnexpectedCommand);
        if (data.Length < 1 || data.Length < 1 + data[0])
            return Fail("HELLO without a whole username", ProtocolError.MalformedHello);
        var username = data.Slice(1, data[0]).ToArray();
        data = data[(1 + data[0])..];
        if (data.Length < 1 || data.Length != 1 + data[0])
            return Fail("HELLO without a whole password, or with bytes after it", ProtocolError.MalformedHello);
        var password = data[1..].ToArray();
        ZapRequest = new ZapRequest("PLAIN", [username, password]);
        _state = State.WaitingForZap;
        return MechanismStatus.AwaitingZap;
    }

    private MechanismStatus ProcessInitiate(ReadOnlySpan<byte> command)
    {
        if (!Command.TryParse(command, out var name, out var data) || name != PlainCommands.Initiate)
            return Fail($"expected INITIATE, got {name ?? "an unreadable command"}", ProtocolError.UnexpectedCommand);
        if (!Command.TryParseProperties(data, out var properties))
            return Fail("malformed metadata in INITIATE", ProtocolError.InvalidMetadata);
        PeerProperties = properties;
        _due = _ready;
        _state = State.Done;
        return MechanismStatus.Ready;
    }

    public MechanismStatus OnZapReply(ZapReply reply)
    {
        if (_state != State.WaitingForZap) throw new InvalidOperationException("no ZAP request is outstanding");
        ZapRequest = null;
        if (!reply.Accepted)
        {
            // RFC 27: 300 is a temporary failure, which libzmq answers by closing without an ERROR.
            if (reply.StatusCode != "300") _due = Command.BuildError(reply.StatusCode);
            _state = State.Done;
            Failure = $"the ZAP handler refused the peer: {reply.StatusCode} {reply.StatusText}";
            FailureCode = int.Parse(reply.StatusCode, System.Globalization.CultureInfo.InvariantCulture);
            return MechanismStatus.Refused;
        }
        UserId = reply.UserId;
        ZapMetadata = reply.Metadata;
        _due = Command.Build(PlainCommands.Welcome, []);
        _state = State.WaitingForInitiate;
        return MechanismStatus.InProgress;
    }

    private MechanismStatus Fail(string failure, int code)
    {
        Failure = failure;
        FailureCode = code;
        _state = State.Done;
        return MechanismStatus.Malformed;
    }
}
