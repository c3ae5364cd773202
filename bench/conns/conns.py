#!/usr/bin/python3
"""libzmq's side of `zera bench conns` (pyzmq on Debian's libzmq), with the same roles and RESULT line.

    conns.py server ENDPOINT COUNT     a ROUTER answers COUNT peers' hellos, measures, releases them, prints RESULT
    conns.py client ENDPOINT COUNT     COUNT DEALERs, each sends hello and waits for "ok" then "done"
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
    threads = len(os.listdir("/proc/self/task"))
    print(f"RESULT impl=libzmq version={zmq.zmq_version()} test=conns transport={endpoint.split('://')[0]} conns={count} "
          f"connect_s={seconds:.3f} conns_per_s={(count - 1) / max(seconds, 1e-9):.0f} rss_before_kb={before // 1024} "
          f"rss_after_kb={after // 1024} rss_bytes_per_conn={(after - before) // count} threads={threads}", flush=True)
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
    server(endpoint, count) if role == "server" else client(endpoint, count)
