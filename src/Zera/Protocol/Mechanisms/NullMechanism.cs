namespace Zera.Protocol.Mechanisms;

/// <summary>
/// The NULL mechanism (RFC 23): each side sends READY with its metadata; no security. With a ZAP domain set, libzmq
/// still asks the ZAP handler about the peer (mechanism "NULL", no credentials) before sending its READY, and so does
/// this one: the connection sees <see cref="ZapRequest"/> right after the greeting.
/// </summary>
internal sealed class NullMechanism : IMechanism
{
    private static readonly IReadOnlyDictionary<string, byte[]> s_none = new Dictionary<string, byte[]>();
    private byte[]? _ready;
    private bool _awaitingZap;
    private bool _peerReady;
    private bool _done;

    /// <summary>A NULL mechanism announcing <paramref name="properties"/> in its READY.</summary>
    public NullMechanism(params ReadOnlySpan<(string Name, byte[] Value)> properties) : this(false, properties)
    {
    }

    /// <summary>A NULL mechanism that, when <paramref name="zap"/> (a ZAP domain is set), holds its READY back until
    /// the ZAP handler accepted the peer.</summary>
    public NullMechanism(bool zap, params ReadOnlySpan<(string Name, byte[] Value)> properties)
    {
        _ready = Command.BuildReady(properties);
        _awaitingZap = zap;
        if (zap) ZapRequest = new ZapRequest("NULL", []);
    }

    public string Name => "NULL";

    public bool AsServer => false;

    public string? Failure { get; private set; }

    public int FailureCode { get; private set; }

    public IReadOnlyDictionary<string, byte[]> PeerProperties { get; private set; } = s_none;

    public IFrameTransform? FrameTransform => null;

    public ZapRequest? ZapRequest { get; private set; }

    public string UserId { get; private set; } = "";

    public IReadOnlyDictionary<string, byte[]>? ZapMetadata { get; private set; }

    public bool TryTakeCommand(out byte[] body)
    {
        body = _awaitingZap ? null! : _ready!;
        if (body == null) return false;
        _ready = null;
        return true;
    }

    public MechanismStatus Process(ReadOnlySpan<byte> command)
    {
        if (_peerReady || _done) return Fail("a command after the peer's READY", ProtocolError.UnexpectedCommand);
        string name = Command.Parse(command, out var data);
        switch (name)
        {
            case Command.Ready:
                PeerProperties = Command.ParseProperties(data);
                _peerReady = true;
                return _awaitingZap ? MechanismStatus.InProgress : MechanismStatus.Ready;
            case Command.Error:
                var status = PeerErrors.Read(data, out var failure, out int code);
                Failure = failure;
                FailureCode = code;
                return status;
            default:
                return Fail($"expected READY, got {name}", ProtocolError.UnexpectedCommand);
        }
    }

    public MechanismStatus OnZapReply(ZapReply reply)
    {
        if (!_awaitingZap) throw new InvalidOperationException("no ZAP request is outstanding");
        _awaitingZap = false;
        ZapRequest = null;
        if (!reply.Accepted)
        {
            // RFC 27: 300 is a temporary failure, which libzmq answers by closing without an ERROR.
            _ready = reply.StatusCode == "300" ? null : Command.BuildError(reply.StatusCode);
            _done = true;
            Failure = $"the ZAP handler refused the peer: {reply.StatusCode} {reply.StatusText}";
            FailureCode = int.Parse(reply.StatusCode, System.Globalization.CultureInfo.InvariantCulture);
            return MechanismStatus.Refused;
        }
        UserId = reply.UserId;
        ZapMetadata = reply.Metadata;
        return _peerReady ? MechanismStatus.Ready : MechanismStatus.InProgress;
    }

    private MechanismStatus Fail(string failure, int code)
    {
        Failure = failure;
        FailureCode = code;
        return MechanismStatus.Malformed;
    }
}
