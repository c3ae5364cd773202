namespace Zera.IntegrationTests.Interop;

/// <summary>
/// The Python program that plays the libzmq side of an interop test. It reads one JSON plan on stdin (a timeout and
/// a list of steps) and runs the steps in order on real libzmq sockets through pyzmq, reporting on stdout one line
/// per observable event:
/// <list type="bullet">
/// <item><c>BOUND name endpoint</c> after a bind (with the real port);</item>
/// <item><c>SENT name</c> / <c>TRYSENT name ok|again</c> after a send;</item>
/// <item><c>RECV name frame...</c> for a received message, each frame described as <see cref="TestFrame.Describe(ReadOnlySpan{byte})"/> does;</item>
/// <item><c>EVENT name EVENT_NAME</c> when an awaited socket-monitor event arrives, <c>EVENTS name EVENT_NAME...</c>
/// for all monitor events seen so far;</item>
/// <item><c>IDLED ms</c> after a pause;</item>
/// <item><c>SENTSEQ name n</c> after sending a numbered stream, <c>SEQ name OK n</c> or <c>SEQ name BAD ...</c> after
/// receiving and checking one (see <see cref="SequenceStream"/>);</item>
/// <item><c>ERROR text</c> (exit code 1) when a step fails or times out, and <c>DONE</c> (exit code 0) at the end.</item>
/// </list>
/// </summary>
internal static class PeerScript
{
    public const string Source = """
        # Interop peer for Zera's tests: runs a JSON plan (from stdin) on libzmq via pyzmq.
        import array
        import hashlib
        import json
        import signal
        import sys
        import time

        import zmq
        from zmq.utils.monitor import recv_monitor_message


        def say(*words):
            print(*words, flush=True)


        def make_frame(spec):
            kind, _, rest = spec.partition(":")
            if kind == "h":
                return bytes.fromhex(rest)
            if kind == "g":
                size, seed = (int(x) for x in rest.split(":"))
                first = seed << 24
                words = array.array("I", range(first, first + (size + 3) // 4))
                assert words.itemsize == 4
                if sys.byteorder == "little":
                    words.byteswap()
                return words.tobytes()[:size]
            raise ValueError("unknown frame spec " + spec)


        def describe(frame):
            if len(frame) <= 64:
                return "h:" + frame.hex()
            return "d:%d:%s" % (len(frame), hashlib.sha256(frame).hexdigest())


        EVENT_NAMES = {}
        for attr in dir(zmq):
            if attr.startswith("EVENT_") and attr != "EVENT_ALL":
                EVENT_NAMES.setdefault(getattr(zmq, attr), attr[len("EVENT_"):])


        def send(sock, frames, retry, timeout_ms):
            deadline = time.monotonic() + timeout_ms / 1000.0
            while True:
                try:
                    sock.send_multipart(frames)
                    return
                except zmq.ZMQError as e:
                    # A ROUTER with ROUTER_MANDATORY cannot route until the peer's handshake is done: try again.
                    if not retry or e.errno != zmq.EHOSTUNREACH or time.monotonic() > deadline:
                        raise
                    time.sleep(0.005)


        def open_socket(ctx, step, timeout_ms, sockets, monitors, discarded):
            sock = ctx.socket(getattr(zmq, step["type"]))
            sock.rcvtimeo = timeout_ms
            sock.sndtimeo = timeout_ms
            sock.linger = 0
            if step.get("identity"):
                sock.setsockopt(zmq.IDENTITY, bytes.fromhex(step["identity"]))
            if step.get("hwm"):
                sock.sndhwm = step["hwm"]
                sock.rcvhwm = step["hwm"]
            if step.get("mandatory"):
                sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
            if step.get("heartbeat"):
                interval, timeout, ttl = step["heartbeat"]
                sock.setsockopt(zmq.HEARTBEAT_IVL, interval)
                sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, timeout)
                sock.setsockopt(zmq.HEARTBEAT_TTL, ttl)
            for prefix in step.get("subscribe", []):
                sock.setsockopt(zmq.SUBSCRIBE, bytes.fromhex(prefix))
            if step.get("monitor"):
                monitors[step["name"]] = sock.get_monitor_socket()
            sockets[step["name"]] = sock
            if step.get("discard"):
                discarded.add(step["name"])
            if step.get("bind"):
                sock.bind(step["bind"])
                say("BOUND", step["name"], sock.getsockopt_string(zmq.LAST_ENDPOINT))
            for endpoint in step.get("connect", []):
                sock.connect(endpoint)


        def wait_event(monitor, wanted, timeout_ms):
            monitor.rcvtimeo = timeout_ms
            while True:
                event = recv_monitor_message(monitor)["event"]
                name = EVENT_NAMES.get(event, str(event))
                if name in wanted:
                    return name


        def seq_payload(i, size):
            return bytes([(i * 7 + k) & 0xFF for k in range(min(size, 16))]) * (size // 16) + bytes(size % 16)


        def check_seq(sock, count, size):
            for i in range(count):
                frames = sock.recv_multipart()
                if frames != [b"%08d" % i, seq_payload(i, size)]:
                    return "BAD at %d: got %s" % (i, " ".join(describe(f) for f in frames))
            return "OK %d" % count


        def check_count(sock, count, payload):
            got = 0
            try:
                while got < count:
                    frames = sock.recv_multipart()
                    if frames != [payload]:
                        return "BAD at %d: got %s" % (got, " ".join(describe(f) for f in frames))
                    got += 1
            except zmq.Again:
                return "SHORT %d" % got
            return "OK %d" % count


        def churn(step, timeout_ms):
            # Peers that come and go: each connects, sends one message (a SUB subscribes to it instead), takes the
            # reply when one is due, and closes. A context per batch, so libzmq's socket limit and reaper never hold
            # the churn back. Messages are numbered from "first", so every peer's is its own.
            kind = getattr(zmq, step["type"])
            endpoints = step["endpoints"]
            count, batch, reply, first = step["count"], step["batch"], step["reply"], step.get("first", 0)
            done = 0
            while done < count:
                ctx = zmq.Context()
                socks = []
                for i in range(min(batch, count - done)):
                    s = ctx.socket(kind)
                    s.rcvtimeo = timeout_ms
                    s.sndtimeo = timeout_ms
                    s.connect(endpoints[(done + i) % len(endpoints)])
                    text = b"churn %d" % (first + done + i)
                    if step["type"] == "SUB":
                        s.setsockopt(zmq.SUBSCRIBE, text)
                    else:
                        s.send(text)
                    socks.append(s)
                if reply:
                    for s in socks:
                        s.recv()
                for s in socks:
                    s.close(linger=0 if reply else timeout_ms)
                ctx.term()
                done += len(socks)
            return done


        def drain_events(monitor):
            names = []
            while monitor.poll(0):
                event = recv_monitor_message(monitor)["event"]
                names.append(EVENT_NAMES.get(event, str(event)))
            return names


        def run(plan, ctx, sockets, monitors, discarded):
            timeout_ms = plan["timeout_ms"]
            for index, step in enumerate(plan["steps"]):
                op = step["op"]
                where = "step %d (%s %s)" % (index, op, step.get("sock", step.get("name", "")))
                try:
                    if op == "open":
                        open_socket(ctx, step, timeout_ms, sockets, monitors, discarded)
                    elif op == "send":
                        frames = [make_frame(f) for f in step["frames"]]
                        send(sockets[step["sock"]], frames, step.get("retry", False), timeout_ms)
                        say("SENT", step["sock"])
                    elif op == "try_send":
                        frames = [make_frame(f) for f in step["frames"]]
                        try:
                            sockets[step["sock"]].send_multipart(frames, flags=zmq.NOBLOCK)
                            say("TRYSENT", step["sock"], "ok")
                        except zmq.Again:
                            say("TRYSENT", step["sock"], "again")
                    elif op == "recv":
                        frames = sockets[step["sock"]].recv_multipart()
                        say("RECV", step["sock"], *[describe(f) for f in frames])
                    elif op == "send_seq":
                        sock = sockets[step["sock"]]
                        for i in range(step["count"]):
                            sock.send_multipart([b"%08d" % i, seq_payload(i, step["size"])])
                        say("SENTSEQ", step["sock"], step["count"])
                    elif op == "recv_seq":
                        say("SEQ", step["sock"], check_seq(sockets[step["sock"]], step["count"], step["size"]))
                    elif op == "recv_count":
                        say("COUNT", step["sock"], check_count(sockets[step["sock"]], step["count"], bytes.fromhex(step["payload"])))
                    elif op == "sync_then_expect":
                        # A subscriber: tells the control socket when the first "sync..." message arrives, skips
                        # the rest of them, then checks the next messages are exactly the expected ones.
                        sock, control = sockets[step["sock"]], sockets[step["control"]]
                        expected = [[bytes.fromhex(f) for f in m] for m in step["expected"]]
                        synced, index, verdict = False, 0, None
                        while index < len(expected):
                            frames = sock.recv_multipart()
                            if frames[0].startswith(b"sync"):
                                if not synced:
                                    control.send(b"synced")
                                    synced = True
                                continue
                            if frames != expected[index]:
                                verdict = "BAD at %d: got %s" % (index, " ".join(describe(f) for f in frames))
                                break
                            index += 1
                        say("EXPECTED", step["sock"], verdict or "OK %d" % index)
                    elif op == "publish_until_told":
                        # Publishes numbered messages until a line arrives on the control socket (the subscriber
                        # got one): the slow-joiner handshake of the Guide, bounded by the step timeout.
                        sock, control = sockets[step["sock"]], sockets[step["control"]]
                        deadline = time.monotonic() + timeout_ms / 1000.0
                        n = 0
                        while not control.poll(1):
                            if time.monotonic() > deadline:
                                raise zmq.Again()
                            sock.send_multipart([bytes.fromhex(f) for f in step["frames"]] + [b"%d" % n])
                            n += 1
                        control.recv()
                        say("PUBLISHED", step["sock"], n)
                    elif op == "churn":
                        say("CHURNED", churn(step, timeout_ms))
                    elif op == "idle":
                        time.sleep(step["ms"] / 1000.0)
                        say("IDLED", step["ms"])
                    elif op == "events":
                        say("EVENTS", step["sock"], *drain_events(monitors[step["sock"]]))
                    elif op == "event":
                        name = wait_event(monitors[step["sock"]], set(step["events"]), timeout_ms)
                        say("EVENT", step["sock"], name)
                    else:
                        raise ValueError("unknown op " + op)
                except zmq.Again:
                    say("ERROR", where, "timed out after", timeout_ms, "ms")
                    return False
                except Exception as e:
                    say("ERROR", where, repr(e))
                    return False
            return True


        def main():
            plan = json.load(sys.stdin)
            # A last resort if the test process dies and nobody kills us: SIGALRM ends the process.
            signal.alarm(plan["hard_timeout_s"])
            ctx = zmq.Context()
            sockets, monitors, discarded = {}, {}, set()
            ok = run(plan, ctx, sockets, monitors, discarded)
            for name, monitor in monitors.items():
                sockets[name].disable_monitor()
                monitor.close(linger=0)
            for name, sock in sockets.items():
                # On success, give what was sent last the time to reach Zera (unless it is not meant to arrive).
                sock.close(linger=plan["timeout_ms"] if ok and name not in discarded else 0)
            ctx.term()
            if ok:
                say("DONE")
            return 0 if ok else 1


        sys.exit(main())
        """;
}
