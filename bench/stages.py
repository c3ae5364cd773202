#!/usr/bin/python3
"""Where a push/pull message's CPU goes, stage by stage: Zera beside libzmq, by the same method (perf sampling).

    bench/stages.py [--transport tcp|ipc|inproc] [--size B] [--count N] [--freq HZ] [--impls "zera libzmq"]

For each implementation, runs the throughput benchmark twice under `perf record -g` (N/4 and N messages; the anchor
harness's libzmq program bench/.anchors/c/thr, and `zera bench thr` through bench/anchor), sorts every CPU sample of
both processes into a stage by its call stack (the rules are STAGES below), and subtracts the small run's samples from
the large run's, stage by stage, so start-up, JIT and connection set-up drop out. Samples are taken at a fixed rate of
CPU time (cpu-clock, per thread), so a stage's samples divided by the rate and by the extra messages is its CPU time
per message; the table gives it in nanoseconds and as a share, with the libzmq column beside Zera's.

Limits, on purpose stated where the numbers are used (bench/RESULTS.md): Debian's libzmq is stripped, so its own code
is one stage per thread (application thread, I/O thread) rather than split into encode/decode/pipe; libc and kernel
frames have names for both. On a VM without hardware counters a sample taken with interrupts off lands where they are
switched back on, so kernel samples are sorted by the system call they are under, never by the leaf. Needs perf and
root (or perf_event_paranoid ≤ 1); .NET's perf map (DOTNET_PerfMapEnabled) names Zera's JIT-compiled methods.
"""
import argparse, collections, os, re, shutil, subprocess, sys, tempfile

from cpu import endpoint  # bench/cpu.py: a fresh endpoint per run (tcp port, ipc path or inproc name)

HERE = os.path.dirname(os.path.abspath(__file__))
LIBZMQ = os.path.join(HERE, ".anchors", "c", "thr")
ZERA = os.path.join(HERE, "anchor")

# (stage, pattern over one frame "symbol (dso)"). A sample's stage is decided by the first of these passes:
# 0. an eventfd's write or read, or Zera's posting to its I/O loop, is a wake-up (WAKE);
# 1. the stack is under a system call or a wait: the stage of the outermost (closest to the root) such frame, so time
#    the kernel spends waking a peer inside send() counts as sending;
# 2. otherwise the leaf-most frame that names a stage (runtime helpers such as write barriers belong to their caller);
# 3. otherwise "other" split by where the leaf is (kernel, runtime, libc).
SYSCALLS = [
    ("kernel: send", r"\b(__send|__libc_send|__sendmsg|sendmsg|__GI___libc_write|__libc_write|__x64_sys_sendto|"
                     r"__x64_sys_sendmsg|__x64_sys_write)\b"),
    ("kernel: receive", r"\b(__libc_recv|__recv|__recvmsg|recvmsg|__GI___libc_read|__libc_read|__x64_sys_recvfrom|"
                        r"__x64_sys_recvmsg|__x64_sys_read)\b"),
    ("wait and wake-up", r"\b(__sched_yield|__x64_sys_sched_yield|__futex\w*|futex_\w+|__x64_sys_futex|epoll_wait|"
                         r"__x64_sys_epoll_wait|__x64_sys_epoll_pwait|__poll|__x64_sys_poll|__x64_sys_ppoll|"
                         r"nanosleep|__x64_sys_eventfd2|pthread_cond_\w+|"
                         r"Zera\.Core\.Signal::(Wait|Set)\w*|Zera\.Core\.Signal::\w*Wait\w*|"
                         r"System\.Threading\.(SpinWait|LowLevelLifoSemaphore|LowLevelSpinWaiter|Monitor|"
                         r"ManualResetEventSlim|SemaphoreSlim)\w*)"),
]
MANAGED = [
    ("pipe", r"Zera\.Core\.(Pipe|Link|PipeEnd)\w*::"),
    ("buffers (slab)", r"Zera\.Core\.Slab\w*::"),
    # StreamEngine's methods and their async state machines ("StreamEngine+<DrainAsync>d__61::MoveNext").
    ("encode (engine send side)", r"Zera\.(Protocol\.ZmtpConnection::Encode\w*|Transports\.StreamEngine[\w+<>:]*?"
                                  r"(Drain|SendLoop|SendAll|SendOwn|SendSide|SendSome|Encode|TryFlushInline))"),
    ("decode (engine receive side)", r"Zera\.(Protocol\.(FrameDecoder|ZmtpConnection)\w*|"
                                     r"Transports\.StreamEngine[\w+<>:]*?(Receive|Deliver|Handle|AfterInput))"),
    ("application send", r"Zera\.(ZeraSocket::\w*Send\w*|Patterns\.(LoadBalancer|PushPattern)\w*::)"),
    ("application receive", r"Zera\.(ZeraSocket::\w*Receive\w*|Patterns\.(FairQueue|PullPattern)\w*::)"),
    ("socket bookkeeping", r"Zera\.ZeraSocket\w*::"),
    ("benchmark loop", r"Zera\.Cli\."),
    ("async machinery and thread pool", r"System\.(Threading\.Tasks|Runtime\.CompilerServices\.Async|Threading\."
                                        r"(ThreadPool|PortableThreadPool|ExecutionContext|Thread)|Net\.Sockets)"),
    ("libzmq: application thread", r"^LIBZMQ:app"),
    ("libzmq: I/O thread", r"^LIBZMQ:io"),
    ("allocation (malloc/free)", r"\b(_int_malloc|_int_free|malloc|free|cfree|malloc_consolidate|unlink_chunk"
                                 r"\S*|tcache\w*)\s"),
    ("copy (memcpy)", r"__mem(move|cpy)\w*"),
]
SYSCALLS = [(n, re.compile(p)) for n, p in SYSCALLS]
MANAGED = [(n, re.compile(p)) for n, p in MANAGED]
JIT = re.compile(r"libclrjit\.so")
# A write or read of an eventfd is a wake-up (libzmq's mailboxes, Zera's I/O loop), though it is a write(2).
WAKE = re.compile(r"\beventfd_(write|read)\b|Zera\.Transports\.(LoopSignal|IoLoop)\w*::(Set|Post)\b")
ORDER = [n for n, _ in SYSCALLS] + [n for n, _ in MANAGED] + ["runtime (GC, JIT, other)", "kernel: other",
                                                              "libc: other"]


def classify(comm, frames):
    """frames: leaf first, each 'symbol (dso)'."""
    if any(JIT.search(f) for f in frames):
        return "runtime (GC, JIT, other)"
    if any(WAKE.search(f) for f in frames):
        return "wait and wake-up"
    outer = None
    for f in frames:
        for name, rx in SYSCALLS:
            if rx.search(f):
                outer = name
    if outer:
        return outer
    libzmq_thread = "LIBZMQ:io" if comm.startswith("ZMQbg") else "LIBZMQ:app"
    for f in frames:
        # libc's allocator and copies are named; libzmq's own stripped code is named by its thread.
        g = libzmq_thread if "libzmq.so" in f else f
        for name, rx in MANAGED:
            if rx.search(g):
                return name
    leaf = frames[0] if frames else ""
    if "kernel.kallsyms" in leaf:
        return "kernel: other"
    if "libc.so" in leaf:
        return "libc: other"
    return "runtime (GC, JIT, other)"


def samples(data):
    out = subprocess.run(["perf", "script", "-i", data, "-F", "comm,tid,ip,sym,dso"], capture_output=True,
                         text=True, errors="replace").stdout
    for block in out.split("\n\n"):
        lines = [l.strip() for l in block.strip().split("\n") if l.strip()]
        if not lines:
            continue
        comm = lines[0].rsplit(" ", 1)[0].strip()
        frames = [l.split(" ", 1)[1] if " " in l else l for l in lines[1:]]
        yield comm, frames


def profile(program, ep, size, count, freq, scratch):
    """(stage -> samples, msgs/s) of one run."""
    data = os.path.join(scratch, "perf.data")
    args = [program, ep, str(size), str(count)] if program == LIBZMQ else [program, "thr", ep, str(size), str(count)]
    env = dict(os.environ, DOTNET_PerfMapEnabled="1", DOTNET_EnableWriteXorExecute="0")
    p = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", str(freq), "-g", "-o", data, "--"] + args,
                       capture_output=True, text=True, env=env, cwd=scratch)
    m = re.search(r"msgs_per_s=(\d+)", p.stdout)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"{' '.join(args)} under perf failed: {(p.stdout + p.stderr).strip()[:300]}")
    counts = collections.Counter(classify(comm, frames) for comm, frames in samples(data))
    return counts, int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transport", default="tcp", choices=["tcp", "ipc", "inproc"])
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--count", type=int, default=8_000_000, help="messages in the large run (the small run: a quarter)")
    ap.add_argument("--freq", type=int, default=999, help="samples per second of CPU time")
    ap.add_argument("--impls", default="zera libzmq")
    a = ap.parse_args()
    impls = {"zera": ZERA, "libzmq": LIBZMQ}
    chosen = a.impls.split()
    for name in chosen:
        if name not in impls:
            ap.error(f"--impls: unknown implementation '{name}' (known: zera libzmq)")
        if not os.access(impls[name], os.X_OK):
            print(f"stages.py: {impls[name]} is not built; run bench/run.sh (--quick is enough) first", file=sys.stderr)
            return 1
    if shutil.which("perf") is None:
        print("stages.py: perf is not installed (Debian: apt-get install linux-perf)", file=sys.stderr)
        return 1
    small, large = a.count // 4, a.count
    per = {}
    rates = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name in chosen:
            few, _ = profile(impls[name], endpoint(a.transport, scratch), a.size, small, a.freq, scratch)
            many, rate = profile(impls[name], endpoint(a.transport, scratch), a.size, large, a.freq, scratch)
            per[name] = {s: max(0, many[s] - few[s]) / a.freq / (large - small) * 1e9 for s in ORDER}
            rates[name] = rate
    print(f"{a.transport}, {a.size} B push/pull, {small:,} and {large:,} messages, {a.freq} samples/s of CPU time; "
          f"ns of CPU per message (both processes), share of the total")
    print("| stage | " + " | ".join(f"{n} ns | {n} %" for n in chosen) + " |")
    print("|---|" + "---:|---:|" * len(chosen))
    totals = {n: sum(per[n].values()) for n in chosen}
    for stage in ORDER:
        if all(per[n][stage] < 0.5 for n in chosen):
            continue
        cells = " | ".join(f"{per[n][stage]:,.0f} | {100 * per[n][stage] / totals[n]:.0f} %" for n in chosen)
        print(f"| {stage} | {cells} |")
    print("| **total** | " + " | ".join(f"**{totals[n]:,.0f}** | 100 %" for n in chosen) + " |")
    print("| msgs/s (large run) | " + " | ".join(f"{rates[n]:,} | " for n in chosen) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
