#!/usr/bin/env python3
"""The GDB helpers' test (tools/gdb/spindle.py): boots the kernel test
gdb-target (tests/kernel/gdb_target.c), which leaves threads in known
states and stops every CPU in debug_stop_here; attaches `gdb -batch` to
QEMU's GDB stub; runs `spindle threads`, `spindle runq`, `spindle cpus` and
`spindle bt`; and checks what they print against what the kernel test set
up. tests/run.py runs it as the system test gdb-target (tests/system.py);
by hand:

    python3 tests/tools/test_gdb.py [--smp N] [--build build]

QEMU's stub listens on a free TCP port chosen here, so parallel runs do not
clash; QEMU is killed however the test ends.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import qemu_run  # noqa: E402

HELPERS = os.path.join(ROOT, "tools", "gdb", "spindle.py")
STOP_LINE = "debug: stopped (gdb-target)"
READY = re.compile(r"^gdb-target: ready main=(\d+) blocker=(\d+) blocker_cpu=(\d+) waiter=(\d+) "
                   r"sleeper=(\d+) runnable=(\d+),(\d+),(\d+)\r?$", re.MULTILINE)
PORT_TRIES = 5


def gdb_missing(gdb="gdb"):
    """Why the test cannot run here, or None."""
    if shutil.which(gdb) is None:
        return "%s is not installed (make deps installs it)" % gdb
    return None


def free_port():
    """A TCP port nobody listens on now. QEMU may still lose it to someone
    else before it binds; boot() then tries another."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Qemu:
    """One QEMU with a GDB stub, its serial output collected as it comes."""

    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.chunks = []

    def poll_output(self):
        try:
            data = self.proc.stdout.read()
        except BlockingIOError:
            data = None
        if data:
            self.chunks.append(data)
        return self.text()

    def text(self):
        return b"".join(self.chunks).decode(errors="replace")

    def kill(self):
        """Kills QEMU (its whole session) and waits for it: no orphans."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self.poll_output()


def boot(kernel, smp, deadline, qemu, mem, args, test):
    """Boots gdb-target with a GDB stub and waits until every CPU has
    stopped. Returns (Qemu, port, reason): reason None once stopped; else
    QEMU is already killed."""
    log = ""
    for _ in range(PORT_TRIES):
        port = free_port()
        cmd = qemu_run.qemu_command(qemu, kernel=kernel, smp=smp, mem=mem,
                                    append="%s test=%s" % (args, test),
                                    extra=["-gdb", "tcp:127.0.0.1:%d" % port])
        vm = Qemu(cmd)
        try:
            while True:
                text = vm.poll_output()
                if STOP_LINE in text:
                    return vm, port, None
                bad = re.search(r"^(FAIL|PANIC).*", text, re.MULTILINE)
                if bad:
                    vm.kill()
                    return vm, port, "the kernel test failed: %s" % bad.group(0).strip()
                if vm.proc.poll() is not None:
                    vm.kill()
                    break
                if time.monotonic() > deadline:
                    vm.kill()
                    return vm, port, "timeout waiting for %r" % STOP_LINE
                time.sleep(0.01)
        except BaseException:
            vm.kill()
            raise
        log = vm.text()
        if "Failed to bind" not in log and "Address already in use" not in log:
            return vm, port, "QEMU ended before the kernel stopped (status %s)" % vm.proc.returncode
    return vm, port, "no free port for the GDB stub after %d tries: %s" % (PORT_TRIES, log.strip())


def run_gdb(kernel, port, commands, deadline, gdb="gdb"):
    """Runs GDB in batch mode: attach, load the helpers, then each command
    after a `@@@ command` marker line. Returns (output, reason)."""
    cmd = [gdb, "-batch", "-nx", "-ex", "set pagination off", "-ex", "set width 0",
           "-ex", "set architecture i386:x86-64", "-ex", "source %s" % HELPERS,
           "-ex", "target remote 127.0.0.1:%d" % port]
    for c in commands:
        cmd += ["-ex", "echo @@@ %s\\n" % c, "-ex", c]
    cmd += [kernel]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                           timeout=max(5.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) \
            else (e.stdout or "")
        return out, "GDB timed out"
    return p.stdout + p.stderr, None


def sections(output):
    """{command: its output lines} from the @@@ markers."""
    result, current = {}, None
    for line in output.splitlines():
        if line.startswith("@@@ "):
            current = line[4:].strip()
            result[current] = []
        elif current is not None:
            result[current].append(line.rstrip())
    return result


THREAD_ROW = re.compile(r"^\s*(\d+|-)(\*?)\s+(\S+)\s+(\w+)\s+(\d+|-)\s+(\d+|-)\s+(\S+)\s+(.*)$")


def check_threads(lines, ids, smp):
    """`spindle threads`: every thread the test made, with its state, CPU
    and wait channel; main marked running; one idle thread per CPU."""
    rows = {}
    idle = []
    for line in lines:
        m = THREAD_ROW.match(line)
        if not m or m.group(1) == "TID":
            continue
        tid, star, name, state, cpu, _, _, wait = m.groups()
        if tid == "-":
            idle.append((name, state, cpu, star))
        else:
            rows[int(tid)] = (name, state, cpu, wait.strip(), star)
    want = {
        ids["main"]: ("main", "running", "0", None, "*"),
        ids["blocker"]: ("gdbt-blocker", "blocked", str(ids["blocker_cpu"]), "gdb-target-lock", ""),
        ids["waiter"]: ("gdbt-waiter", "blocked", "0", "gdb-target-sema", ""),
        ids["sleeper"]: ("gdbt-sleeper", "sleeping", "0", "sleep", ""),
    }
    for i, tid in enumerate(ids["runnable"]):
        want[tid] = ("gdbt-run%d" % i, "runnable", "0", None, "")
    for tid, (name, state, cpu, wait, star) in want.items():
        if tid not in rows:
            return "spindle threads does not list tid %d (%s)" % (tid, name)
        got = rows[tid]
        if got[0] != name or got[1] != state or got[2] != cpu or got[4] != star:
            return ("spindle threads: tid %d is %r, expected name %s, state %s, CPU %s%s"
                    % (tid, " ".join(got), name, state, cpu, ", marked running" if star else ""))
        if wait is not None and got[3] != wait:
            return "spindle threads: tid %d waits on %r, expected %r" % (tid, got[3], wait)
    if sorted(n for n, _, _, _ in idle) != sorted("idle%d" % i for i in range(smp)):
        return "spindle threads: idle threads %s, expected idle0..idle%d" % (
            [n for n, _, _, _ in idle], smp - 1)
    # CPU 0 runs main; every other CPU is idle, so its idle thread runs.
    for name, state, cpu, star in idle:
        running = name != "idle0"
        if (state == "running") != running or bool(star) != running:
            return "spindle threads: %s is %s%s" % (name, state, star)
    return None


def frame_functions(lines):
    """The function of each `#N 0x... in FUNCTION ...` line, in order."""
    names = []
    for line in lines:
        m = re.match(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+)", line)
        if m:
            names.append(m.group(1))
    return names


def check_backtrace(lines, tid, callees_first):
    """`spindle bt`: the frames name callees_first in this order, innermost
    (the most recent call) first, with nothing else out of order."""
    names = frame_functions(lines)
    positions = []
    for fn in callees_first:
        if fn not in names:
            return "spindle bt %d does not name %s: %s" % (tid, fn, names or lines)
        positions.append(names.index(fn))
    if positions != sorted(positions):
        return "spindle bt %d: %s are not in call order: %s" % (tid, callees_first, names)
    return None


def check_first_frames(lines, tid):
    """`spindle bt` of a runnable spinner: whether it has run yet or not
    (that depends on the timer), its chain ends in context_trampoline, where
    every thread starts, and never names context_switch (a thread that
    never ran has context_trampoline's first byte as "return address",
    which is not looked up one byte early, in context_switch)."""
    names = frame_functions(lines)
    if not names or names[-1] != "context_trampoline" or "context_switch" in names:
        return "spindle bt %d should end in context_trampoline: %s" % (tid, names or lines)
    return None


def check_runq(lines, ids, smp, policy):
    """`spindle runq`: the policy named; CPU 0 holds exactly the three
    runnable threads; the other CPUs' queues are empty."""
    if not lines or not lines[0].startswith("policy %s:" % policy):
        return "spindle runq does not name policy %s: %s" % (policy, lines[:1])
    queued = {}
    cpu = None
    for line in lines:
        m = re.match(r"^CPU (\d+): running (.*); (\d+) queued$", line)
        if m:
            cpu = int(m.group(1))
            queued[cpu] = {"running": m.group(2), "count": int(m.group(3)), "tids": []}
            continue
        m = re.match(r"^\s+\d+\. tid (\d+) ", line)
        if m and cpu is not None:
            if "!" in line:
                return "spindle runq flags a queued thread: %r" % line.strip()
            queued[cpu]["tids"].append(int(m.group(1)))
        elif line.startswith("runnable, but in no queue"):
            return "spindle runq found runnable threads in no queue: %s" % lines
    if sorted(queued) != list(range(smp)):
        return "spindle runq shows CPUs %s, expected 0..%d" % (sorted(queued), smp - 1)
    zero = queued[0]
    if sorted(zero["tids"]) != sorted(ids["runnable"]) or zero["count"] != len(ids["runnable"]):
        return "spindle runq: CPU 0 queues %s (count %d), expected tids %s" % (
            zero["tids"], zero["count"], ids["runnable"])
    if zero["running"] != "tid %d main" % ids["main"]:
        return "spindle runq: CPU 0 runs %r, expected main" % zero["running"]
    for c in range(1, smp):
        if queued[c]["tids"] or queued[c]["count"]:
            return "spindle runq: CPU %d should queue nothing: %s" % (c, queued[c])
    return None


def check_cpus(lines, ids, smp):
    """`spindle cpus`: CPU 0 runs main, the others their idle threads, and
    each CPU is a different GDB thread."""
    rows = {}
    for line in lines:
        m = re.match(r"^\s*(\d+)\s+\d+\s+yes\s+(tid \d+ \S+|idle \S+)\s+\d+\s+\d+\s+(\d+)$", line)
        if m:
            rows[int(m.group(1))] = (m.group(2), m.group(3))
    if sorted(rows) != list(range(smp)):
        return "spindle cpus shows CPUs %s, expected 0..%d: %s" % (sorted(rows), smp - 1, lines)
    if rows[0][0] != "tid %d main" % ids["main"]:
        return "spindle cpus: CPU 0 runs %r, expected main" % rows[0][0]
    for c in range(1, smp):
        if rows[c][0] != "idle idle%d" % c:
            return "spindle cpus: CPU %d runs %r, expected idle%d" % (c, rows[c][0], c)
    if len({g for _, g in rows.values()}) != smp:
        return "spindle cpus: two CPUs have the same GDB thread: %s" % rows
    return None


def run(kernel, smp, timeout, qemu="qemu-system-x86_64", mem=256, args="", gdb="gdb",
        test="gdb-target", policy="rr"):
    """The whole test: boots kernel test `test` (gdb-target, or
    gdb-target-fifo with args "sched=fifo") and expects `policy` in
    `spindle runq`. Returns (reason or None, log text)."""
    deadline = time.monotonic() + timeout
    vm, port, reason = boot(kernel, smp, deadline, qemu, mem, args, test)
    try:
        serial = vm.text()
        if reason:
            return reason, serial
        m = READY.search(serial)
        if not m:
            return "no 'gdb-target: ready' line", serial
        v = [int(x) for x in m.groups()]
        ids = {"main": v[0], "blocker": v[1], "blocker_cpu": v[2], "waiter": v[3],
               "sleeper": v[4], "runnable": v[5:8]}
        bt = {name: "spindle bt %d" % ids[name] for name in ("blocker", "waiter", "sleeper", "main")}
        bt["runnable"] = "spindle bt %d" % ids["runnable"][0]
        commands = ["spindle threads", "spindle runq", "spindle cpus"] + list(bt.values())
        output, reason = run_gdb(kernel, port, commands, deadline, gdb)
        log = serial + "\n---- gdb ----\n" + output
        if reason:
            return reason, log
        got = sections(output)
        missing = [c for c in commands if c not in got]
        if missing:
            return "GDB did not run %s" % missing, log
        checks = [
            check_threads(got["spindle threads"], ids, smp),
            check_runq(got["spindle runq"], ids, smp, policy),
            check_cpus(got["spindle cpus"], ids, smp),
            # Innermost first: each blocked thread is in the scheduler,
            # called from the lock, called from the test's named function.
            check_backtrace(got[bt["blocker"]], ids["blocker"],
                            ["sched_switch", "mutex_lock", "gdb_target_take_lock",
                             "gdb_target_blocker", "thread_start"]),
            check_backtrace(got[bt["waiter"]], ids["waiter"],
                            ["sched_switch", "sema_down", "gdb_target_wait_sema",
                             "gdb_target_waiter", "thread_start"]),
            check_backtrace(got[bt["sleeper"]], ids["sleeper"],
                            ["sched_switch", "gdb_target_sleeper", "thread_start"]),
            check_first_frames(got[bt["runnable"]], ids["runnable"][0]),
            # The running thread: GDB's own bt on CPU 0's vCPU.
            check_backtrace(got[bt["main"]], ids["main"], ["debug_stop_here", "gdb_target_stop"]),
        ]
        for problem in checks:
            if problem:
                return problem, log
        if re.search(r"Traceback|Python Exception|Error occurred in Python", output):
            return "a helper raised a Python exception", log
        return None, log
    finally:
        vm.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--gdb", default="gdb")
    ap.add_argument("--fifo", action="store_true", help="gdb-target-fifo: under sched=fifo")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the log on success too")
    opts = ap.parse_args()
    name = "gdb-target-fifo" if opts.fifo else "gdb-target"
    missing = gdb_missing(opts.gdb)
    if missing:
        print("SKIP %s: %s" % (name, missing))
        return 0
    start = time.monotonic()
    reason, log = run(os.path.join(opts.build, "spindle.elf"), opts.smp, opts.timeout,
                      qemu=opts.qemu, gdb=opts.gdb, test=name, args="sched=fifo" if opts.fifo else "",
                      policy="fifo" if opts.fifo else "rr")
    if reason or opts.verbose:
        print(log)
    print("%s %s %.2fs%s" % ("FAIL" if reason else "PASS", name, time.monotonic() - start,
                                      "  " + reason if reason else ""))
    return 1 if reason else 0


if __name__ == "__main__":
    sys.exit(main())
