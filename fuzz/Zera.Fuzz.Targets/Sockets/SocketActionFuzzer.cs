using System.Buffers.Binary;
using System.Diagnostics;

namespace Zera.Fuzz.Sockets;

/// <summary>
/// The stateful fuzzer at the socket level (in the spirit of libzmq's test_socket_options_fuzzer and ØMQ.rs's
/// socket-action fuzzer): a sequence of actions, chosen by an <see cref="ActionSource"/>, over a few sockets of every
/// type in one <see cref="Context"/>: create, bind, connect, disconnect, unbind, send and receive with short timeouts,
/// options set to valid and invalid values, dispose, calls on disposed sockets, and a <see cref="TrackedPair"/> sending
/// and receiving numbered messages throughout. Invariants:
/// <list type="bullet">
/// <item>no exception but the documented ones: <see cref="ZeraException"/> of a kind the call documents,
/// <see cref="ArgumentException"/> (and kin) for invalid arguments and option values, <see cref="ObjectDisposedException"/>
/// on a disposed socket (and only there);</item>
/// <item>no hang: every call returns within <see cref="CallLimit"/> (its own timeouts are at most 10 ms), disposing the
/// context included;</item>
/// <item>every frame a chaos socket receives that carries the fuzzer's marker is exactly a frame some socket sent, and a
/// message from a socket that does not fan out (anything but PUB and XPUB) reaches a socket at most once;</item>
/// <item>the tracked pair loses, repeats, reorders and cuts nothing (see <see cref="TrackedPair"/>).</item>
/// </list>
/// ZeroMQ's legitimate drops (messages to a peer that went away, a socket disposed with LINGER 0, a full HWM, a
/// message nobody subscribed to) are never counted: only the tracked pair, which nothing disturbs, checks delivery.
/// </summary>
public static class SocketActionFuzzer
{
    /// <summary>The longest any one call may take before it counts as a hang.</summary>
    public static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(5);

    private const int Slots = 4;
    private static readonly byte[] s_marker = [0xF7, 0x5A];
    private static readonly SocketType[] s_types =
    [
        SocketType.Pair, SocketType.Pub, SocketType.Sub, SocketType.Req, SocketType.Rep, SocketType.Dealer,
        SocketType.Router, SocketType.Pull, SocketType.Push, SocketType.XPub, SocketType.XSub,
    ];
    // Sockets of one family can talk to each other: a sequence mostly creates sockets of the family it picked first,
    // so that its connections carry messages, and sometimes any type at all.
    private static readonly SocketType[][] s_families =
    [
        [SocketType.Push, SocketType.Pull],
        [SocketType.Pair],
        [SocketType.Dealer, SocketType.Router],
        [SocketType.Pub, SocketType.Sub, SocketType.XPub, SocketType.XSub],
        [SocketType.Req, SocketType.Rep, SocketType.Dealer, SocketType.Router],
    ];
    private static long s_runs;

    /// <summary>Runs the sequence <paramref name="input"/> describes, at most <paramref name="maxActions"/> actions;
    /// throws <see cref="FuzzInvariantException"/> when an invariant breaks, else returns what the sequence did.</summary>
    public static SocketActionStats Run(byte[] input, int maxActions = 64)
    {
        var run = new SequenceRun(new ActionSource(input), $"{Environment.ProcessId}-{Interlocked.Increment(ref s_runs)}");
        run.Execute(maxActions);
        return run.Stats;
    }

    private sealed class Slot(ZeraSocket socket)
    {
        public ZeraSocket Socket { get; } = socket;
        public List<string> Bound { get; } = [];
        public List<string> Connected { get; } = [];
    }

    private sealed class SequenceRun(ActionSource a, string name)
    {
        private readonly Context _context = new();
        private readonly Slot?[] _slots = new Slot?[Slots];
        private readonly List<ZeraSocket> _disposed = [];
        private readonly List<string> _ipcPaths = [];
        // Every marked frame sent: its id, its bytes, and whether its sender fans out (PUB, XPUB).
        private readonly Dictionary<long, (byte[] Frame, bool FansOut)> _sent = [];
        private readonly HashSet<(ZeraSocket Receiver, long Id)> _delivered = [];
        private readonly List<string> _log = [];
        private TrackedPair? _tracked;
        private long _nextId;
        private int _trackedCount;

        private long _trackedVerified;
        private int _refusals;

        public SocketActionStats Stats { get; private set; } = new(0, 0, 0, 0, 0, []);

        public void Execute(int maxActions)
        {
            try
            {
                int actions = 0;
                for (; actions < maxActions && !a.Done; actions++) Step();
                if (_tracked != null)
                {
                    Call("tracked drain", _tracked.Drain);
                    _trackedVerified += _tracked.Received;
                }
                Stats = new SocketActionStats(actions, _sent.Count, _delivered.Count, _trackedVerified, _refusals, _log);
            }
            catch (FuzzInvariantException e)
            {
                throw new FuzzInvariantException($"{e.Message}\nactions: {string.Join("; ", _log)}");
            }
            finally
            {
                Shutdown();
            }
        }

        private SocketType[]? _family;

        private void Step()
        {
            _family ??= a.Pick(s_families);
            // Sends, receives and connects come twice or three times as often as the rest: they move messages.
            int action = a.Below(16) switch
            {
                12 => 5,
                13 or 15 => 6,
                14 => 2,
                var n => n,
            };
            // An action on a socket takes one that exists (creating one when there is none); create takes any slot.
            var occupied = Enumerable.Range(0, Slots).Where(i => _slots[i] != null).ToList();
            if (action is >= 1 and <= 8 && (occupied.Count == 0 || (occupied.Count < 3 && a.OneIn(4)))) action = 0;
            int slot = action is >= 1 and <= 8 ? a.Pick(occupied) : a.Below(Slots);
            var s = _slots[slot];
            switch (action)
            {
                case 0:
                    var type = a.OneIn(4) ? a.Pick(s_types) : a.Pick(_family);
                    if (s != null) Dispose(slot);
                    Log($"create {slot} {type}");
                    var created = Call("create", () => _context.CreateSocket(type))!;
                    // LINGER's default is -1 (wait for ever): a socket disposed with a message queued for a peer that
                    // never comes would keep the context's disposal waiting for ever, as ZeroMQ documents. Every
                    // socket gets a finite linger (and the option setter never sets -1).
                    created.Linger = a.Pick(s_lingers);
                    if (type == SocketType.Sub && !a.OneIn(4))
                    {
                        Log($"subscribe {slot} to everything");
                        created.Subscribe([]);
                    }
                    _slots[slot] = new Slot(created);
                    break;
                case 1 when s != null:
                    Bind(s);
                    break;
                case 2 when s != null:
                    Connect(s);
                    break;
                case 3 when s != null:
                    string disconnect = s.Connected.Count > 0 && !a.OneIn(4) ? a.Pick(s.Connected) : "inproc://never";
                    Log($"disconnect {slot} {disconnect}");
                    if (CallWithArgument("disconnect", () => s.Socket.Disconnect(disconnect), ErrorKind.AddressNotAvailable)) s.Connected.Remove(disconnect);
                    break;
                case 4 when s != null:
                    string unbind = s.Bound.Count > 0 && !a.OneIn(4) ? a.Pick(s.Bound) : "tcp://127.0.0.1:1";
                    Log($"unbind {slot} {unbind}");
                    if (CallWithArgument("unbind", () => s.Socket.Unbind(unbind), ErrorKind.AddressNotAvailable)) s.Bound.Remove(unbind);
                    break;
                case 5 when s != null:
                    Send(s);
                    break;
                case 6 when s != null:
                    if (a.OneIn(3))
                    {
                        foreach (var other in _slots) if (other != null) Receive(other);
                    }
                    else
                    {
                        Receive(s);
                    }
                    break;
                case 7 when s != null:
                    var (option, set) = a.Pick(SocketOptionSetters.All);
                    Log($"set {slot} {option}");
                    CallWithArgument($"set {option}", () => set(s.Socket, a), ErrorKind.InvalidArgument);
                    break;
                case 8 when s != null:
                    // Half as often as the other actions, so that sockets live long enough to exchange messages.
                    if (a.OneIn(2)) Dispose(slot);
                    break;
                case 9 when _disposed.Count > 0:
                    UseDisposed(a.Pick(_disposed));
                    break;
                case 10:
                    if (_tracked is null)
                    {
                        Log("tracked open");
                        _tracked = Call("tracked open", () => TrackedPair.Open(_context, a, $"{name}-{_trackedCount++}"));
                    }
                    else
                    {
                        int count = 1 + a.Below(40);
                        Log($"tracked send {count}");
                        Call("tracked send", () => _tracked.Send(count));
                    }
                    break;
                case 11 when _tracked != null:
                    if (a.OneIn(4))
                    {
                        Log("tracked drain and close");
                        Call("tracked drain", _tracked.Drain);
                        _trackedVerified += _tracked.Received;
                        Call("tracked dispose", _tracked.Dispose);
                        _tracked = null;
                    }
                    else
                    {
                        int count = 1 + a.Below(40), wait = a.Pick(s_waits);
                        Log($"tracked receive {count} {wait} ms");
                        Call("tracked receive", () => _tracked.Receive(count, wait));
                    }
                    break;
            }
        }

        private static readonly int[] s_waits = [0, 0, 1, 2, 10];
        private static readonly int[] s_lingers = [0, 0, 1, 20];

        private void Bind(Slot s)
        {
            // Mostly inproc, whose connections are up at once, so that messages flow within the short waits.
            string endpoint = a.Below(10) switch
            {
                0 or 1 or 2 or 3 => $"inproc://chaos-{a.Below(2)}",
                4 => "tcp://127.0.0.1:0",
                5 => "tcp://127.0.0.1:*",
                6 => IpcPath(),
                7 => OtherBound(null) ?? "tcp://127.0.0.1:0",
                _ => a.Pick(s_badEndpoints),
            };
            Log($"bind {Array.IndexOf(_slots, s)} {endpoint}");
            if (CallWithArgument("bind", () => s.Socket.Bind(endpoint), ErrorKind.AddressInUse, ErrorKind.AddressNotAvailable, ErrorKind.ProtocolNotSupported))
            {
                string? last = s.Socket.LastEndpoint;
                if (last is null) throw new FuzzInvariantException($"no LastEndpoint after binding {endpoint}");
                s.Bound.Add(last);
            }
        }

        private void Connect(Slot s)
        {
            string endpoint = a.Below(6) switch
            {
                0 or 1 or 2 => OtherBound(s) ?? $"inproc://chaos-{a.Below(2)}",
                3 => $"inproc://chaos-{a.Below(2)}",
                4 => "tcp://127.0.0.1:1",
                _ => a.Pick(s_badEndpoints),
            };
            Log($"connect {Array.IndexOf(_slots, s)} {endpoint}");
            // InvalidArgument: an inproc peer of a type this one cannot talk to.
            if (CallWithArgument("connect", () => s.Socket.Connect(endpoint), ErrorKind.ProtocolNotSupported, ErrorKind.InvalidArgument))
                s.Connected.Add(endpoint);
        }

        private static readonly string[] s_badEndpoints =
            ["", "tcp://", "tcp://127.0.0.1", "tcp://127.0.0.1:70000", "tcp://:5", "inproc://", "udp://127.0.0.1:5", "bogus://x", "ipc://", "tcp://[::1:5"];

        /// <summary>An endpoint some socket other than <paramref name="except"/> has bound, or null.</summary>
        private string? OtherBound(Slot? except)
        {
            var all = _slots.Where(x => x != null && x != except).SelectMany(x => x!.Bound).ToList();
            return all.Count == 0 ? null : a.Pick(all);
        }

        private string IpcPath()
        {
            var path = Path.Combine(Path.GetTempPath(), $"zera-fuzz-{name}-{_ipcPaths.Count}.sock");
            _ipcPaths.Add(path);
            return "ipc://" + path;
        }

        private void Send(Slot s)
        {
            int messages = 1 + a.Below(4);
            for (int m = 0; m < messages; m++) SendMessage(s);
        }

        private void SendMessage(Slot s)
        {
            int frames = a.OneIn(4) ? 2 : 1;
            int wait = a.Pick(s_waits);
            Log($"send {Array.IndexOf(_slots, s)} {frames} frame(s) {wait} ms");
            // Copies are allowed where ZeroMQ sends one message to several peers: a publisher's subscribers, and an
            // XSUB's data, which goes upstream to every publisher it is connected to (twice to one XPUB that it
            // connected to twice: found by afl-fuzz, fuzz/corpus/socket-actions/regression-xsub-connected-twice).
            bool fansOut = s.Socket.Type is SocketType.Pub or SocketType.XPub or SocketType.XSub;
            for (int i = 0; i < frames; i++)
            {
                long id = _nextId++;
                var frame = Frame(id, a.Below(3) switch { 0 => 0, 1 => 20, _ => 3000 });
                bool more = i + 1 < frames;
                bool sent = false;
                // WouldBlock is not thrown by TrySend; NotSupported: PULL, SUB; InvalidState: REQ and REP out of turn;
                // HostUnreachable: ROUTER_MANDATORY with no such peer.
                Call("send", () => { sent = s.Socket.TrySend(frame, TimeSpan.FromMilliseconds(wait), more); },
                    ErrorKind.NotSupported, ErrorKind.InvalidState, ErrorKind.HostUnreachable);
                if (!sent)
                {
                    Log("  -> not sent");
                    return;
                }
                _sent[id] = (frame, fansOut);
            }
        }

        private void Receive(Slot s)
        {
            int wait = a.Pick(s_waits);
            Log($"receive {Array.IndexOf(_slots, s)} {wait} ms");
            List<byte[]>? parts = null;
            Call("receive", () => { s.Socket.TryReceiveMultipart(TimeSpan.FromMilliseconds(wait), out parts); }, ErrorKind.NotSupported, ErrorKind.InvalidState);
            if (parts is null) return;
            Log($"  -> {parts.Count} frame(s)");
            if (parts.Count == 0) throw new FuzzInvariantException("a message of no frames");
            foreach (var part in parts)
            {
                if (part.Length < 10 || !part.AsSpan(0, 2).SequenceEqual(s_marker)) continue;
                long id = BinaryPrimitives.ReadInt64BigEndian(part.AsSpan(2));
                if (!_sent.TryGetValue(id, out var sent)) throw new FuzzInvariantException($"received frame {id}, which no send accepted");
                if (!part.AsSpan().SequenceEqual(sent.Frame)) throw new FuzzInvariantException($"frame {id} arrived changed ({part.Length} bytes of {sent.Frame.Length})");
                if (!_delivered.Add((s.Socket, id)) && !sent.FansOut) throw new FuzzInvariantException($"frame {id} arrived twice");
            }
        }

        private static byte[] Frame(long id, int size)
        {
            var frame = new byte[10 + size];
            s_marker.CopyTo(frame, 0);
            BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(2), id);
            for (int i = 10; i < frame.Length; i++) frame[i] = (byte)(id + i);
            return frame;
        }

        private void Dispose(int slot)
        {
            var s = _slots[slot]!;
            Log($"dispose {slot}");
            Call("dispose", s.Socket.Dispose);
            _slots[slot] = null;
            _disposed.Add(s.Socket);
        }

        private void UseDisposed(ZeraSocket socket)
        {
            int what = a.Below(8);
            Log($"use disposed ({what})");
            Action call = what switch
            {
                0 => () => socket.Bind("inproc://disposed"),
                1 => () => socket.Connect("inproc://disposed"),
                2 => () => socket.TrySend([1], TimeSpan.Zero),
                3 => () => socket.TryReceive(out _, TimeSpan.Zero),
                4 => () => socket.Unbind("inproc://disposed"),
                5 => () => socket.Disconnect("inproc://disposed"),
                6 => socket.Dispose, // disposing again is allowed and does nothing
                _ => () => socket.SendHighWatermark = 5, // option setters do not check (see fuzz/README.md): either is fine
            };
            bool mayReturn = what >= 6;
            var clock = Stopwatch.StartNew();
            try
            {
                call();
                if (!mayReturn) throw new FuzzInvariantException($"call {what} on a disposed socket did not throw");
            }
            catch (ObjectDisposedException) when (what != 6)
            {
            }
            catch (FuzzInvariantException)
            {
                throw;
            }
            catch (Exception e)
            {
                throw new FuzzInvariantException($"call {what} on a disposed socket threw {e.GetType().Name}: {e.Message}");
            }
            CheckTime("use disposed", clock);
        }

        private void Shutdown()
        {
            var clock = Stopwatch.StartNew();
            // LINGER 0 everywhere first, so that the disposal is quick (every linger is finite anyway).
            foreach (var s in _slots)
            {
                if (s is null) continue;
                try
                {
                    s.Socket.Linger = 0;
                }
                catch (ObjectDisposedException)
                {
                }
                s.Socket.Dispose();
            }
            _tracked?.Dispose();
            var dispose = Task.Run(_context.Dispose);
            bool finished = dispose.Wait(CallLimit);
            foreach (var path in _ipcPaths)
            {
                try
                {
                    File.Delete(path);
                }
                catch (IOException)
                {
                }
            }
            if (!finished) throw new FuzzInvariantException($"disposing the context took over {CallLimit.TotalSeconds} s\nactions: {string.Join("; ", _log)}");
            CheckTime("shutdown", clock);
        }

        private void Log(string action) => _log.Add(action);

        /// <summary>Runs a call that takes no argument a caller could get wrong: only a <see cref="ZeraException"/> of
        /// the given kinds is allowed; true when it returned normally.</summary>
        private bool Call(string what, Action body, params ErrorKind[] kinds) => Call(what, body, arguments: false, kinds);

        /// <summary>Runs a call that validates its argument: an <see cref="ArgumentException"/> (or kin) is allowed too.</summary>
        private bool CallWithArgument(string what, Action body, params ErrorKind[] kinds) => Call(what, body, arguments: true, kinds);

        /// <summary>Runs a call, allowing the documented exceptions (an <see cref="ArgumentException"/> when
        /// <paramref name="arguments"/>, a <see cref="ZeraException"/> of the given kinds); true when it returned normally.</summary>
        private bool Call(string what, Action body, bool arguments, ErrorKind[] kinds)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                body();
                return true;
            }
            catch (ZeraException e) when (Array.IndexOf(kinds, e.Kind) >= 0)
            {
                _log.Add($"  -> {e.Kind}");
                _refusals++;
                return false;
            }
            catch (ArgumentException e) when (arguments)
            {
                _log.Add($"  -> {e.GetType().Name}");
                _refusals++;
                return false;
            }
            catch (FuzzInvariantException)
            {
                throw;
            }
            catch (Exception e)
            {
                throw new FuzzInvariantException($"{what} threw {e.GetType().Name}{(e is ZeraException z ? $" ({z.Kind})" : "")}: {e.Message}");
            }
            finally
            {
                CheckTime(what, clock);
            }
        }

        private T? Call<T>(string what, Func<T> body, params ErrorKind[] kinds) where T : class
        {
            T? result = null;
            Call(what, () => { result = body(); }, kinds);
            return result;
        }

        private static void CheckTime(string what, Stopwatch clock)
        {
            if (clock.Elapsed > CallLimit) throw new FuzzInvariantException($"{what} took {clock.Elapsed.TotalSeconds:F1} s (hang)");
        }
    }
}
