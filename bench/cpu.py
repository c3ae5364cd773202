#!/usr/bin/python3
"""CPU time per message of the push/pull throughput rows, Zera beside libzmq, so a win bought with spare cores shows.

    bench/cpu.py [--sizes "1 64 1024 65536"] [--transports "tcp ipc inproc"] [--reps N]

Runs the anchor harness's libzmq program (bench/.anchors/c/thr, built by bench/run.sh) and `zera bench thr` (through
bench/anchor) for each transport and size, each with a small and a large message count, and takes the user+system
CPU time of the whole benchmark from wait4(): over tcp and ipc the sender is a second process that the measuring
process waits for, so its time is included; over inproc both ends are threads of one process. The difference between
the two counts' CPU divided by the difference in messages is the steady-state CPU per message, free of start-up,
JIT and connection set-up. Runs are interleaved (libzmq, Zera, small, large), the medians of REPS are printed as
CPU milliseconds per million messages (= ns per message), with the large run's rate beside them.
"""
import argparse, os, re, socket, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LIBZMQ = os.path.join(HERE, ".anchors", "c", "thr")
ZERA = os.path.join(HERE, "anchor")

# Message counts per size: (small, large). The large run lasts about a second or two on a 2-core VM.
COUNTS = {1: (1_000_000, 4_000_000), 64: (1_000_000, 4_000_000), 128: (1_000_000, 4_000_000),
          1024: (250_000, 1_000_000), 16384: (50_000, 200_000), 65536: (10_000, 40_000)}


def endpoint(transport, scratch):
    if transport == "inproc":
        return "inproc://cpu"
    if transport == "ipc":
        return f"ipc://{scratch}/cpu-{os.getpid()}-{next_id()}"
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"tcp://127.0.0.1:{port}"


_counter = [0]


def next_id():
    _counter[0] += 1
    return _counter[0]


def run(program, ep, size, count):
    """(msgs/s, CPU seconds of the benchmark and the peer process it waited for)."""
    p = subprocess.Popen([program, "thr", ep, str(size), str(count)] if program == ZERA
                         else [program, ep, str(size), str(count)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    m = re.search(r"msgs_per_s=(\d+)", out)
    if status != 0 or not m:
        raise RuntimeError(f"{os.path.basename(program)} {ep} {size} {count} failed: {out.strip()[:200]}")
    # ru_* of a waited-for child include the children it waited for (the sender process over tcp and ipc).
    return int(m.group(1)), usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1 64 1024 65536")
    ap.add_argument("--transports", default="tcp ipc inproc")
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split()]
    for s in sizes:
        if s not in COUNTS:
            ap.error(f"--sizes: no counts defined for {s} (known: {' '.join(map(str, COUNTS))})")
    if not os.access(LIBZMQ, os.X_OK):
        print(f"cpu.py: {LIBZMQ} is not built; run bench/run.sh (--quick is enough) first", file=sys.stderr)
        return 1
    impls = {"libzmq": LIBZMQ, "zera": ZERA}
    print("| transport | size B | libzmq CPU ms / M msgs | Zera CPU ms / M msgs | Zera / libzmq CPU | libzmq msgs/s | Zera msgs/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for transport in a.transports.split():
            for size in sizes:
                small, large = COUNTS[size]
                per = {k: [] for k in impls}
                rates = {k: [] for k in impls}
                for _ in range(a.reps):
                    for name, program in impls.items():
                        _, cpu_small = run(program, endpoint(transport, scratch), size, small)
                        rate, cpu_large = run(program, endpoint(transport, scratch), size, large)
                        per[name].append((cpu_large - cpu_small) / (large - small) * 1e9)  # ns per message
                        rates[name].append(rate)
                lib, zer = statistics.median(per["libzmq"]), statistics.median(per["zera"])
                print(f"| {transport} | {size} | {lib:,.0f} | {zer:,.0f} | {zer / lib:.2f}× | "
                      f"{statistics.median(rates['libzmq']):,.0f} | {statistics.median(rates['zera']):,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
