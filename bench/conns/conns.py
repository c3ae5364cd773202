#!/usr/bin/python3
"""libzmq's side of `zera bench conns` (pyzmq on Debian's libzmq), with the same roles and RESULT line.

    conns.py server ENDPOINT COUNT [pubsub]   a ROUTER answers COUNT peers' hellos, measures, releases them, prints
                                              RESULT; with pubsub an XPUB waits for COUNT subscriptions, then publishes
    conns.py client ENDPOINT COUNT [pubsub]   COUNT DEALERs, each sends hello and waits for "ok" then "done"; with
                                              pubsub COUNT SUBs, each waiting for the one message
"""
import gc, os, sys, time
import zmq

TIMEOUT_MS = int(os.environ.get("ANCHOR_TIMEOUT_MS", "20000"))


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def result(endpoint, pattern, count, seconds, before, after):
    threads = len(os.listdir("/proc/self/task"))
    print(f"RESULT impl=libzmq version={zmq.zmq_version()} test=conns transport={endpoint.split('://')[0]} "
          f"pattern={pattern} conns={count} connect_s={seconds:.3f} conns_per_s={(count - 1) / max(seconds, 1e-9):.0f} "
          f"rss_before_kb={before // 1024} rss_after_kb={after // 1024} rss_bytes_per_conn={(after - before) // count} "
          f"threads={threads}", flush=True)


def pub_server(endpoint, count):
    ctx = zmq.Context()
    xpub = ctx.socket(zmq.XPUB)
    xpub.setsockopt(zmq.LINGER, TIMEOUT_MS)
    xpub.setsockopt(zmq.XPUB_VERBOSE, 1)
    xpub.setsockopt(zmq.SNDHWM, 0)
    xpub.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    xpub.bind(endpoint)
    gc.collect()
    before = rss_bytes()
    print(f"bench conns: listening on {endpoint}, waiting for {count} subscribers", file=sys.stderr, flush=True)
    subscribed, first = 0, 0.0
    while subscribed < count:
        try:
            frame = xpub.recv()
        except zmq.Again:
            sys.exit(f"bench: {subscribed} of {count} peers subscribed; none more within {TIMEOUT_MS} ms")
        if frame[:1] != b"\x01":
            continue
        if subscribed == 0:
            first = time.perf_counter()
        subscribed += 1
    seconds = time.perf_counter() - first
    after = rss_bytes()
    xpub.send(b"done")
    result(endpoint, "pubsub", count, seconds, before, after)
    xpub.close()
    ctx.term()


def sub_client(endpoint, count):
    ctx = zmq.Context()
    ctx.set(zmq.MAX_SOCKETS, count + 16)
    subs = []
    for _ in range(count):
        s = ctx.socket(zmq.SUB)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
        s.setsockopt(zmq.SUBSCRIBE, b"")
        s.connect(endpoint)
        subs.append(s)
    for s in subs:
        try:
            got = s.recv()
        except zmq.Again:
            sys.exit(f"bench: a subscriber waited {TIMEOUT_MS} ms for the message")
        if got != b"done":
            sys.exit(f"bench: a subscriber got {got!r} where b'done' was due")
    for s in subs:
        s.close()
    ctx.term()
    print(f"bench conns: {count} subscribers got the message", file=sys.stderr)


def server(endpoint, count):
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    router.setsockopt(zmq.LINGER, TIMEOUT_MS)
    router.setsockopt(zmq.SNDHWM, 0)
    router.setsockopt(zmq.RCVHWM, 0)
    router.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    router.bind(endpoint)
    gc.collect()
    before = rss_bytes()
    print(f"bench conns: listening on {endpoint}, waiting for {count} peers", file=sys.stderr, flush=True)
    peers = []
    first = 0.0
    while len(peers) < count:
        try:
            ident, _ = router.recv_multipart()
        except zmq.Again:
            sys.exit(f"bench: {len(peers)} of {count} peers said hello; none more within {TIMEOUT_MS} ms")
        if not peers:
            first = time.perf_counter()
        peers.append(ident)
        router.send_multipart([ident, b"ok"])
    seconds = time.perf_counter() - first
    after = rss_bytes()
    for ident in peers:
        router.send_multipart([ident, b"done"])
    result(endpoint, "routerdealer", count, seconds, before, after)
    router.close()
    ctx.term()


def client(endpoint, count):
    ctx = zmq.Context()
    ctx.set(zmq.MAX_SOCKETS, count + 16)  # libzmq's default cap is 1023 sockets per context
    dealers = []
    for _ in range(count):
        d = ctx.socket(zmq.DEALER)
        d.setsockopt(zmq.LINGER, 0)
        d.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
        d.connect(endpoint)
        d.send(b"hello")
        dealers.append(d)
    for expected in (b"ok", b"done"):
        for d in dealers:
            try:
                got = d.recv()
            except zmq.Again:
                sys.exit(f"bench: a peer waited {TIMEOUT_MS} ms for '{expected.decode()}'")
            if got != expected:
                sys.exit(f"bench: a peer got {got!r} where {expected!r} was due")
    for d in dealers:
        d.close()
    ctx.term()
    print(f"bench conns: {count} peers answered and released", file=sys.stderr)


if __name__ == "__main__":
    role, endpoint, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pubsub = len(sys.argv) > 4 and sys.argv[4] == "pubsub"
    if role == "server":
        (pub_server if pubsub else server)(endpoint, count)
    else:
        (sub_client if pubsub else client)(endpoint, count)
