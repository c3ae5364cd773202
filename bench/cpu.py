#!/usr/bin/python3
"""CPU time per message of the push/pull throughput rows, Zera beside libzmq and NetMQ, so a win bought with spare cores shows.

    bench/cpu.py [--sizes "1 64 1024 65536"] [--transports "tcp ipc inproc"] [--reps N]

Runs the anchor harness's libzmq and NetMQ programs (bench/.anchors/c/thr and the NetMQ anchor, built by
bench/run.sh) and `zera bench thr` (through bench/anchor) for each transport and size, each with a small and a large message count, and takes the user+system
CPU time of the whole benchmark from wait4(): over tcp and ipc the sender is a second process that the measuring
process waits for, so its time is included; over inproc both ends are threads of one process. The difference between
the two counts' CPU divided by the difference in messages is the steady-state CPU per message, free of start-up,
JIT and connection set-up. Runs are interleaved (libzmq, NetMQ, Zera, small, large), the medians of REPS are printed as
CPU milliseconds per million messages (= ns per message), with the large run's rate beside them.
"""
import argparse, itertools, os, re, socket, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LIBZMQ = os.path.join(HERE, ".anchors", "c", "thr")
NETMQ = os.path.join(HERE, ".anchors", "netmq", "bin", "Release", "net10.0", "anchors-netmq")
ZERA = os.path.join(HERE, "anchor")

# Message counts per size: (small, large). The large run lasts about a second or two on a 2-core VM.
COUNTS = {1: (1_000_000, 4_000_000), 64: (1_000_000, 4_000_000), 128: (1_000_000, 4_000_000),
          1024: (250_000, 1_000_000), 16384: (50_000, 200_000), 65536: (10_000, 40_000)}


_ipc_names = itertools.count()


def endpoint(transport, scratch):
    if transport == "inproc":
        return "inproc://cpu"
    if transport == "ipc":
        return f"ipc://{scratch}/cpu-{next(_ipc_names)}"
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"tcp://127.0.0.1:{port}"


def run(program, ep, size, count):
    """(msgs/s, CPU seconds of the benchmark and the peer process it waited for)."""
    # The C anchor takes the arguments as they are; the C# ones (Zera, NetMQ) take the test's name first.
    p = subprocess.Popen([program, ep, str(size), str(count)] if program == LIBZMQ
                         else [program, "thr", ep, str(size), str(count)],
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
    for program in (LIBZMQ, NETMQ):
        if not os.access(program, os.X_OK):
            print(f"cpu.py: {program} is not built; run bench/run.sh (--quick is enough) first", file=sys.stderr)
            return 1
    impls = {"libzmq": LIBZMQ, "netmq": NETMQ, "zera": ZERA}
    print("| transport | size B | CPU ms / M msgs: libzmq | NetMQ | Zera | Zera / libzmq | Zera / NetMQ "
          "| msgs/s: libzmq | NetMQ | Zera |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
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
                cpu = {k: statistics.median(v) for k, v in per.items()}
                rate = {k: statistics.median(v) for k, v in rates.items()}
                print(f"| {transport} | {size} | {cpu['libzmq']:,.0f} | {cpu['netmq']:,.0f} | {cpu['zera']:,.0f} "
                      f"| {cpu['zera'] / cpu['libzmq']:.2f}× | {cpu['zera'] / cpu['netmq']:.2f}× "
                      f"| {rate['libzmq']:,.0f} | {rate['netmq']:,.0f} | {rate['zera']:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
