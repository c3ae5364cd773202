#!/usr/bin/python3
"""CPU cost per message of each process in the proxy benchmark (bench/proxy.sh), for a cost model.

    bench/proxy-cpu.py [SMALL_COUNT] [LARGE_COUNT] [REPS]     defaults 1000000 5000000 3

Runs the direct 64 B PUSH -> PULL stream over tcp (`zera bench thr`, both ends in one process) and the same stream
through `zera proxy` (three processes: sender, proxy, receiver), each with SMALL_COUNT and with LARGE_COUNT messages,
and takes each process's user+system CPU time from wait4(). The difference between the two counts divided by the
difference in messages is the steady-state CPU per message, free of start-up and JIT costs. Prints every run, then
the medians, and the ceiling that CPU puts on each path on this machine's cores.
"""
import os, re, signal, socket, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ZERA = os.path.join(HERE, "..", "src", "Zera.Cli", "bin", "Release", "net10.0", "zera")


def port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cpu_of(process):
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime


def rate(text):
    return int(re.search(r"msgs_per_s=(\d+)", text).group(1))


def direct(count):
    p = subprocess.Popen([ZERA, "bench", "thr", f"tcp://127.0.0.1:{port()}", "64", str(count)],
                         stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    return rate(out), cpu_of(p)


def proxied(count):
    front, back = port(), port()
    recv = subprocess.Popen([ZERA, "bench", "thr", "-r", "recv", f"tcp://127.0.0.1:{back}", "64", str(count)],
                            stdout=subprocess.PIPE, text=True)
    proxy = subprocess.Popen([ZERA, "proxy", f"tcp://127.0.0.1:{front}", f"tcp://127.0.0.1:{back}",
                              "--front-type", "pull", "--back-type", "push", "--back-connect"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    send = subprocess.Popen([ZERA, "bench", "thr", "-r", "send", f"tcp://127.0.0.1:{front}", "64", str(count)],
                            stdout=subprocess.DEVNULL)
    cpu_send = cpu_of(send)
    out = recv.stdout.read()
    cpu_recv = cpu_of(recv)
    proxy.send_signal(signal.SIGINT)
    cpu_proxy = cpu_of(proxy)
    return rate(out), cpu_send, cpu_proxy, cpu_recv


def main():
    small = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    large = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    subprocess.run(["dotnet", "build", os.path.join(HERE, "..", "src", "Zera.Cli", "Zera.Cli.csproj"), "-c", "Release",
                    "-nologo", "-v", "q"], check=True, stdout=subprocess.DEVNULL)
    rows = {"direct": [], "send": [], "proxy": [], "recv": []}
    rates = {"direct": [], "proxied": []}
    for r in range(reps):
        # Small and large runs interleaved, so drift of the machine hits both alike.
        d_small, d_large = direct(small), direct(large)
        p_small, p_large = proxied(small), proxied(large)
        per = lambda a, b: (b - a) / (large - small) * 1e9  # ns per message
        rows["direct"].append(per(d_small[1], d_large[1]))
        for i, name in enumerate(["send", "proxy", "recv"], start=1):
            rows[name].append(per(p_small[i], p_large[i]))
        rates["direct"].append(d_large[0])
        rates["proxied"].append(p_large[0])
        print(f"run {r + 1}: direct {d_large[0] / 1e6:.2f} M/s, proxied {p_large[0] / 1e6:.2f} M/s; CPU ns/msg: direct "
              f"{rows['direct'][-1]:.0f} (both ends), sender {rows['send'][-1]:.0f}, proxy {rows['proxy'][-1]:.0f}, "
              f"receiver {rows['recv'][-1]:.0f}", flush=True)
    med = {k: statistics.median(v) for k, v in rows.items()}
    chain = med["send"] + med["proxy"] + med["recv"]
    cores = os.cpu_count() or 1
    print(f"median CPU ns/msg: direct {med['direct']:.0f}; proxied chain {chain:.0f} = sender {med['send']:.0f} + "
          f"proxy {med['proxy']:.0f} + receiver {med['recv']:.0f}")
    print(f"median rates: direct {statistics.median(rates['direct']) / 1e6:.2f} M/s, proxied "
          f"{statistics.median(rates['proxied']) / 1e6:.2f} M/s")
    print(f"CPU ceilings on {cores} cores: direct {cores / med['direct'] * 1e3:.2f} M/s, proxied "
          f"{cores / chain * 1e3:.2f} M/s; with a core per process, the proxy alone caps the chain at "
          f"{1e3 / med['proxy']:.2f} M/s")


if __name__ == "__main__":
    main()
