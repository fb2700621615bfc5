#!/usr/bin/env python3
"""Spindle's benchmarks next to Linux's, measured in the same run.

    python3 tools/bench_compare.py [--smp 1,2,4] [--build build]   # make bench-compare

For each CPU count, boots the Linux reference (../shared/bench/linux-anchor:
Debian's kernel with bench.c as /init, in the same QEMU with the same
-smp) and then `make bench`'s Spindle run, one right after the other, and
prints one table of both with the ratio Spindle / Linux (lower is better
for Spindle; the issues' targets are ratios). The Linux kernel and initrd
come from the reference's own cache, built by its run.sh the first time
(about 2 minutes; needs apt-get download of the kernel package).

Measure on a quiet host: the script prints the host's load before each
boot, and figures taken under load are not comparable.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANCHOR = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench", "linux-anchor"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import qemu_run  # noqa: E402

METRIC = re.compile(r"^metric=(\S+) value=(\S+) unit=(\S+)")
# The reference's command line, as its run.sh boots it (-m 512, TCG multi-threaded).
LINUX_APPEND = "console=ttyS0 quiet panic=-1"


def anchor_files(cache):
    """(vmlinuz, initrd) from the reference's cache, building them if needed."""
    def find():
        kernels = [os.path.join(d, "vmlinuz") for d in
                   (os.path.join(cache, x) for x in sorted(os.listdir(cache)))
                   if os.path.exists(os.path.join(d, "vmlinuz"))] if os.path.isdir(cache) else []
        initrd = os.path.join(cache, "build", "initrd.cpio.gz")
        return (kernels[-1], initrd) if kernels and os.path.exists(initrd) else None
    found = find()
    if found:
        return found
    print("bench-compare: building the Linux reference (run.sh, smp1 once)...", flush=True)
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, RUNS="1", CONFIGS="smp1", OUT=out, CACHE=cache)
        subprocess.run(["bash", os.path.join(ANCHOR, "run.sh")], env=env, check=True)
    found = find()
    if not found:
        sys.exit("bench-compare: run.sh did not leave a kernel and initrd in %s" % cache)
    return found


def parse(text):
    """{name: (value, unit)} from metric= lines."""
    metrics = {}
    for line in text.splitlines():
        m = METRIC.match(line.strip().split("\r")[-1])
        if m:
            name = m.group(1).replace("race_plain_", "race_unsafe_")
            try:
                metrics[name] = (float(m.group(2)), m.group(3))
            except ValueError:
                pass
    return metrics


def run_linux(vmlinuz, initrd, smp, timeout):
    cmd = ["qemu-system-x86_64", "-accel", "tcg,thread=multi", "-kernel", vmlinuz,
           "-initrd", initrd, "-append", LINUX_APPEND, "-nographic", "-no-reboot",
           "-m", "512", "-smp", str(smp)]
    seen = {"event=init_start": None}
    status, out, secs = qemu_run.run(cmd, timeout, first_seen=seen)
    text = out.decode(errors="replace")
    metrics = parse(text)
    if seen["event=init_start"] is not None:
        metrics["boot_to_init"] = (seen["event=init_start"], "s")
    if "event=done" not in text:
        print("bench-compare: the Linux run at -smp %d did not finish (status %d, %.0f s)"
              % (smp, status, secs))
    return metrics


def run_spindle(build, smp):
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "run.py"), "--bench",
                           "--build", build, "--smp", str(smp)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", cwd=ROOT)
    if proc.returncode != 0:
        print(proc.stdout[-3000:])
        print("bench-compare: the Spindle run at SMP=%d failed" % smp)
    return parse(proc.stdout)


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smp", default="1,2,4", help="CPU counts, comma-separated (default 1,2,4)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--cache", default=os.environ.get("CACHE", "/tmp/linux-anchor-cache"))
    ap.add_argument("--timeout", type=float, default=600, help="seconds per Linux boot")
    ap.add_argument("--limit", type=float, default=0.5, help="the target ratio, marked in the table")
    opts = ap.parse_args()
    if not os.path.isdir(ANCHOR):
        sys.exit("bench-compare: no reference at %s" % ANCHOR)
    counts = [int(x) for x in opts.smp.split(",") if x]
    vmlinuz, initrd = anchor_files(opts.cache)
    rows = []
    for smp in counts:
        print("bench-compare: -smp %d: Linux (load %s)..." % (smp, load()), flush=True)
        t = time.monotonic()
        linux = run_linux(vmlinuz, initrd, smp, opts.timeout)
        print("bench-compare: -smp %d: Linux took %.0f s; Spindle (load %s)..."
              % (smp, time.monotonic() - t, load()), flush=True)
        spindle = run_spindle(os.path.abspath(opts.build), smp)
        for name in sorted(set(linux) & set(spindle), key=lambda n: (n.startswith("race_"), n)):
            (sv, su), (lv, lu) = spindle[name], linux[name]
            if su != lu or lv <= 0:
                continue
            rows.append((smp, name, sv, lv, su, sv / lv))
    print()
    print("| CPUs | metric | Spindle | Linux | unit | Spindle / Linux |")
    print("|---|---|---|---|---|---|")
    for smp, name, sv, lv, unit, ratio in rows:
        flag = " (over %.2g)" % opts.limit if ratio > opts.limit else ""
        print("| %d | %s | %.4g | %.4g | %s | %.2f%s |" % (smp, name, sv, lv, unit, ratio, flag))
    over = sum(1 for r in rows if r[5] > opts.limit)
    print()
    print("bench-compare: %d metrics, %d over %.2g of Linux's" % (len(rows), over, opts.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
