using System.Text;

namespace Zera.Protocol.Mechanisms;

/// <summary>
/// The client side of ZMTP PLAIN (RFC 24): HELLO with the username and password, then, once the server's WELCOME
/// came, INITIATE with our metadata; the server's READY (its metadata) completes the handshake. An ERROR from the
/// server (a ZAP refusal: "400") ends it. Sans-I/O; malformed input is a status, never an exception.
/// </summary>
/// <remarks>Driven by one connection's receive side (see <see cref="IMechanism"/>).</remarks>
internal sealed class PlainClientMechanism : IMechanism
{
    private static readonly IReadOnlyDictionary<string, byte[]> s_none = new Dictionary<string, byte[]>();

    private readonly byte[] _initiate;
    private byte[]? _due;
    private State _state = State.WaitingForWelcome;

    private enum State
    {
        WaitingForWelcome,
        WaitingForReady,
        Done,
    }

    /// <summary>A PLAIN client sending <paramref name="username"/> and <paramref name="password"/> (each at most 255
    /// bytes of UTF-8, checked by the option) and announcing <paramref name="properties"/> in its INITIATE.</summary>
    public PlainClientMechanism(string username, string password, params ReadOnlySpan<(string Name, byte[] Value)> properties)
    {
        _due = BuildHello(Encoding.UTF8.GetBytes(username), Encoding.UTF8.GetBytes(password));
        _initiate = Command.Build(PlainCommands.Initiate, Command.BuildMetadata(properties));
    }

    public string Name => "PLAIN";

    public bool AsServer => false;

    public string? Failure { get; private set; }

    public int FailureCode { get; private set; }

    public IReadOnlyDictionary<string, byte[]> PeerProperties { get; private set; } = s_none;

    public IFrameTransform? FrameTransform => null;

    /// <summary>The HELLO body (RFC 24): the name, then the username and the password, each after its length octet.</summary>
    public static byte[] BuildHello(ReadOnlySpan<byte> username, ReadOnlySpan<byte> password)
    {
        var data = new byte[1 + username.Length + 1 + password.Length];
        data[0] = (byte)username.Length;
        username.CopyTo(data.AsSpan(1));
        data[1 + username.Length] = (byte)password.Length;
        password.CopyTo(data.AsSpan(2 + username.Length));
        return Command.Build(PlainCommands.Hello, data);
    }

    public bool TryTakeCommand(out byte[] body)
    {
        body = _due!;
        _due = null;
        return body != null;
    }

    public MechanismStatus Process(ReadOnlySpan<byte> command)
    {
        if (_state != State.Done && PeerErrors.IsLibzmqPlainError(command, out var legacy)) return OnError(legacy);
        if (!Command.TryParse(command, out var name, out var data) || _state == State.Done)
            return Fail("expected WELCOME, READY or ERROR", ProtocolError.UnexpectedCommand);
        switch (name)
        {
            case PlainCommands.Welcome:
                if (_state != State.WaitingForWelcome) return Fail("WELCOME out of turn", ProtocolError.UnexpectedCommand);
                if (data.Length != 0) return Fail("WELCOME with data after its name", ProtocolError.MalformedWelcome);
                _due = _initiate;
                _state = State.WaitingForReady;
                return MechanismStatus.InProgress;
            case Command.Ready:
                if (_state != State.WaitingForReady) return Fail("READY before WELCOME", ProtocolError.UnexpectedCommand);
                if (!Command.TryParseProperties(data, out var properties))
                    return Fail("malformed metadata in READY", ProtocolError.InvalidMetadata);
                PeerProperties = properties;
                _state = State.Done;
                return MechanismStatus.Ready;
            case Command.Error:
                return OnError(data);
            default:
                return Fail($"expected WELCOME, READY or ERROR, got {name}", ProtocolError.UnexpectedCommand);
        }
    }

    private MechanismStatus OnError(ReadOnlySpan<byte> data)
    {
        _state = State.Done;
        var status = PeerErrors.Read(data, out var failure, out int code);
        Failure = failure;
        FailureCode = code;
        return status;
    }

    private MechanismStatus Fail(string failure, int code)
    {
        Failure = failure;
        FailureCode = code;
        _state = State.Done;
        return MechanismStatus.Malformed;
    }
}
