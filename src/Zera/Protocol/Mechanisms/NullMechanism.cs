namespace Zera.Protocol.Mechanisms;

/// <summary>The NULL mechanism (RFC 23): each side sends READY with its metadata; no security.</summary>
internal sealed class NullMechanism : IMechanism
{
    private static readonly IReadOnlyDictionary<string, byte[]> s_none = new Dictionary<string, byte[]>();
    private byte[]? _ready;

    /// <summary>A NULL mechanism announcing <paramref name="properties"/> in its READY.</summary>
    public NullMechanism(params ReadOnlySpan<(string Name, byte[] Value)> properties) => _ready = Command.BuildReady(properties);

    public string Name => "NULL";

    public bool AsServer => false;

    public string? Failure { get; private set; }

    public int FailureCode { get; private set; }

    public IReadOnlyDictionary<string, byte[]> PeerProperties { get; private set; } = s_none;

    public IFrameTransform? FrameTransform => null;

    public bool TryTakeCommand(out byte[] body)
    {
        body = _ready!;
        _ready = null;
        return body != null;
    }

    public MechanismStatus Process(ReadOnlySpan<byte> command)
    {
        string name = Command.Parse(command, out var data);
        switch (name)
        {
            case Command.Ready:
                PeerProperties = Command.ParseProperties(data);
                return MechanismStatus.Ready;
            case Command.Error:
                if (!Command.TryErrorReason(data, out var reason))
                {
                    Failure = "malformed ERROR command";
                    FailureCode = ProtocolError.MalformedError;
                    return MechanismStatus.Malformed;
                }
                Failure = "peer refused the handshake: " + reason;
                // A ZAP status code (libzmq's authentication refusal) is reported as such; any other reason has no number.
                FailureCode = reason.Length == 3 && int.TryParse(reason, out int status) && ProtocolError.IsZapStatus(status)
                    ? status
                    : ProtocolError.Unspecified;
                return MechanismStatus.PeerError;
            default:
                Failure = $"expected READY, got {name}";
                FailureCode = ProtocolError.UnexpectedCommand;
                return MechanismStatus.Malformed;
        }
    }
}
