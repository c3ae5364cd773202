#!/usr/bin/env python3
"""Zera's ratios to libzmq and NetMQ from anchor-harness summaries, with issue 11's targets marked.

    bench/compare.py [SUMMARY.md ...]      (default: bench/.anchors/results/latest.md)

Each SUMMARY is a results/summary-*.md the shared harness wrote (bench/run.sh runs it). For every case Zera ran, this
prints Zera's figure, its ratio to libzmq and to NetMQ from the same run, and the target the case has (throughput:
Zera / libzmq at least the target, higher is better; round trips: Zera / libzmq at most the target, for the mean and
the p99, lower is better). A case below its target is marked "below". Given several summaries (the issue asks for a
target to hold in 3 consecutive runs), every run's ratio is listed and a case is marked "holds" only when it met its
target in each run that measured it.

Informational only: it exits 0 whatever the ratios (timings on a shared machine are noisy; nothing gates on them),
1 when a summary cannot be read, 2 on a bad command line.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, ".anchors", "results", "latest.md")

# Issue 11's targets, as ratios to libzmq. Push/pull over tcp and ipc, by message size:
PUSHPULL_TARGETS = {1: 2.0, 64: 2.0, 128: 4.0, 1024: 3.5, 16384: 4.0, 65536: 1.5}
LATENCY_TARGET = 0.6  # req/rep over tcp and ipc, mean and p99
ASYNC_TARGET = 0.9  # the async API at least as fast as the blocking one within 10 %


def throughput_target(test, transport, size):
    """The target ratio of a throughput case, or None when the issue sets none (copy-API rows, 1 subscriber)."""
    if test == "thr push/pull":
        return 1.5 if transport == "inproc" else PUSHPULL_TARGETS.get(size)
    if test == "thr pub/sub" and size == 64:
        return 2.0
    if test in ("fan pub/sub 10 subs", "fan pub/sub 50 subs"):
        return 2.0
    return None


def latency_target(test, transport):
    if test == "lat req/rep" and transport in ("tcp", "ipc"):
        return LATENCY_TARGET
    return None  # inproc "stays where it is"; the 1-cpu rows are diagnostics


def number(cell):
    # fan rows carry the per-subscriber rate after the aggregate: "3,039,044 (60,781/sub)"
    cell = cell.split("(")[0].strip().replace(",", "")
    try:
        return float(cell)
    except ValueError:
        return None


def read_summary(path):
    """{(test, transport, size): {impl: (msgs_per_s, rtt_us, p99_us)}} and the run's first line."""
    rows = {}
    title = ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("Run ") and not title:
                title = line.strip()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            # | impl | test | transport | size B | n/run | msgs/s | MB/s | RTT us | 1-way us | RTT p99 us | spread |
            if len(cells) != 11 or cells[0] in ("impl", "---") or cells[0].startswith("-"):
                continue
            impl, test, transport, size = cells[0], cells[1], cells[2], number(cells[3])
            if size is None:
                continue
            key = (test, transport, int(size))
            rows.setdefault(key, {})[impl] = (number(cells[5]), number(cells[7]), number(cells[9]))
    return title, rows


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(r):
    return "–" if r is None else f"{r:.2f}×"


def judge(key, impls):
    """Zera's figure, ratios and verdict for one case of one run: (figure, vs libzmq, vs NetMQ, target, met)."""
    test, transport, size = key
    zera, lib, net = impls.get("zera"), impls.get("libzmq"), impls.get("netmq")
    if zera is None:
        return None
    if test.startswith("lat"):
        figure = f"{zera[1]:.2f} µs p99 {zera[2]:.2f}" if zera[1] is not None and zera[2] is not None else "–"
        r_lib = ratio(zera[1], lib[1]) if lib else None
        r_lib99 = ratio(zera[2], lib[2]) if lib else None
        r_net = ratio(zera[1], net[1]) if net else None
        target = latency_target(test, transport)
        shown = fmt(r_lib) + (f" (p99 {fmt(r_lib99)})" if r_lib99 is not None else "")
        met = None
        if target is not None and r_lib is not None:
            met = r_lib <= target and (r_lib99 is None or r_lib99 <= target)
        return figure, shown, fmt(r_net), None if target is None else f"≤ {target:.1f}×", met
    figure = "–" if zera[0] is None else f"{zera[0]:,.0f}"
    r_lib = ratio(zera[0], lib[0]) if lib else None
    r_net = ratio(zera[0], net[0]) if net else None
    target = throughput_target(test, transport, size)
    met = None if target is None or r_lib is None else r_lib >= target
    return figure, fmt(r_lib), fmt(r_net), None if target is None else f"≥ {target:.1f}×", met


def main(argv):
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 0
    paths = argv or [DEFAULT]
    runs = []
    for p in paths:
        try:
            runs.append(read_summary(p))
        except OSError as e:
            print(f"compare: cannot read {p}: {e.strerror}", file=sys.stderr)
            return 1
    keys = []
    for _, rows in runs:
        for k in rows:
            if k not in keys and "zera" in rows[k]:
                keys.append(k)
    if not keys:
        print("compare: no Zera rows in " + ", ".join(paths), file=sys.stderr)
        return 1
    for i, (title, _) in enumerate(runs, 1):
        print(f"run {i}: {title or paths[i - 1]}")
    print()
    if len(runs) == 1:
        print("| test | transport | size B | Zera | Zera / libzmq | Zera / NetMQ | target | |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
    else:
        cols = " | ".join(f"run {i} / libzmq" for i in range(1, len(runs) + 1))
        print(f"| test | transport | size B | {cols} | target | |")
        print("|---|---|---:|" + "---:|" * len(runs) + "---:|---|")
    below = 0
    with_target = 0
    for key in keys:
        verdicts = [judge(key, rows[key]) if key in rows else None for _, rows in runs]
        measured = [v for v in verdicts if v is not None]
        target = next((v[3] for v in measured if v[3]), None)
        mets = [v[4] for v in measured if v[4] is not None]
        mark = ""
        if target is not None and mets:
            with_target += 1
            if all(mets):
                mark = "holds" if len(runs) > 1 else "met"
            else:
                mark = "below"
                below += 1
        test, transport, size = key
        if len(runs) == 1:
            v = verdicts[0]
            print(f"| {test} | {transport} | {size} | {v[0]} | {v[1]} | {v[2]} | {target or '–'} | {mark} |")
        else:
            cells = " | ".join(v[1] if v else "–" for v in verdicts)
            print(f"| {test} | {transport} | {size} | {cells} | {target or '–'} | {mark} |")
    print()
    print(f"{with_target - below} of {with_target} cases with a target meet it"
          + (" in every run" if len(runs) > 1 else "") + f"; {below} below.")
    print_async(runs)
    return 0


def async_ratio(key, impls):
    """Async against blocking for one case of one run, as 'at least as fast' (higher is better for both kinds): the
    rate ratio for throughput, the inverse of the round-trip ratio for latency. None when either side is missing."""
    zera, asy = impls.get("zera"), impls.get("zera-async")
    if zera is None or asy is None:
        return None
    if key[0].startswith("lat"):
        return ratio(zera[1], asy[1])
    return ratio(asy[0], zera[0])


def print_async(runs):
    """The async API against the blocking one, where the run has "zera-async" rows (bench/run.sh --async)."""
    keys = []
    for _, rows in runs:
        for k in rows:
            # Only cases the async implementation measured (the fan test has no async form: its row has no figure).
            if k not in keys and async_ratio(k, rows[k]) is not None:
                keys.append(k)
    if not keys:
        return
    print()
    print(f"Async API against blocking (speed ratio, higher is better; target ≥ {ASYNC_TARGET:.1f}×):")
    print()
    cols = " | ".join(f"run {i}" for i in range(1, len(runs) + 1))
    print(f"| test | transport | size B | {cols} | |")
    print("|---|---|---:|" + "---:|" * len(runs) + "---|")
    below = 0
    for key in keys:
        rs = [async_ratio(key, rows[key]) if key in rows else None for _, rows in runs]
        measured = [r for r in rs if r is not None]
        ok = bool(measured) and all(r >= ASYNC_TARGET for r in measured)
        below += 0 if ok else 1
        test, transport, size = key
        print(f"| {test} | {transport} | {size} | " + " | ".join(fmt(r) for r in rs) + f" | {'holds' if ok else 'below'} |")
    print()
    print(f"{len(keys) - below} of {len(keys)} rows hold async parity; {below} below.")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
