"""Reads the two-line-per-thread table that Ctrl-P and the shell's `ps -T`
print (lib/thread_format.c, docs/tcb.md) and checks every value is sensible.
Used by tests/system.py (thread-dump-ctrl-p, shell-ps-T).

    rows, reason = parse(text)       # the last table in text
    reason = check(text, expect)     # None, or what is wrong
"""
import re

HEADER0 = ["TID", "PID", "NAME", "STATE", "CPU", "PRI", "AFFINITY", "TICKS", "LAST-RUN", "VOL",
           "INVOL"]
HEADER1 = "KSTACK USTACK TLS WAITING ON / HOLDS"
STATES = {"runnable", "running", "blocked", "sleeping", "zombie"}
NOTE = "HOLDS lists kernel mutexes. A user mutex is a futex word in user memory"

ROW0 = re.compile(r"^ *(\d+) +(\d+) (.+?) +(runnable|running|blocked|sleeping|zombie|\?) +(-|\d+) +(\d+) (all|[0-9a-f]+) +(\d+) +"
                  r"(-|\d+\.\d{3}s) +(\d+) +(\d+)$")
ROW1 = re.compile(r"^ {12}([0-9a-f]+)\+(\d+) +(-|([0-9a-f]+)-([0-9a-f]+)) +(-|[0-9a-f]+) +"
                  r"(.+) / (.+)$")
IDLE = re.compile(r"^ +- +0 idle\d+ ")

KERNEL_HALF = 0xffff800000000000
USER_STACK = (0x7ffffffbf000, 0x7ffffffff000)       # lib/abi.h: a main thread's stack


def parse(text):
    """The rows of the last table in text, as dicts; (rows, None) or (None, reason)."""
    lines = [l.rstrip("\r") for l in text.splitlines()]
    starts = [i for i, l in enumerate(lines) if l.split() == HEADER0]
    if not starts:
        return None, "no table header %r" % " ".join(HEADER0)
    i = starts[-1] + 1
    if i >= len(lines) or " ".join(lines[i].split()) != HEADER1:
        return None, "the header's second line is not %r" % HEADER1
    i += 1
    rows = []
    while i < len(lines) and ROW0.match(lines[i]):
        m0 = ROW0.match(lines[i])
        if i + 1 >= len(lines):
            return None, "thread line without its second line: %r" % lines[i]
        m1 = ROW1.match(lines[i + 1])
        if not m1:
            return None, "bad second line under %r: %r" % (lines[i], lines[i + 1])
        rows.append({
            "tid": int(m0.group(1)), "pid": int(m0.group(2)), "name": m0.group(3).strip(),
            "state": m0.group(4), "cpu": m0.group(5), "pri": int(m0.group(6)),
            "affinity": m0.group(7), "ticks": int(m0.group(8)), "last_run": m0.group(9),
            "vol": int(m0.group(10)), "invol": int(m0.group(11)),
            "kstack": int(m1.group(1), 16), "kstack_size": int(m1.group(2)),
            "ustack": (int(m1.group(4), 16), int(m1.group(5), 16)) if m1.group(4) else None,
            "tls": None if m1.group(6) == "-" else int(m1.group(6), 16),
            "wait": m1.group(7).strip(), "holds": m1.group(8).strip(),
        })
        i += 2
    while i < len(lines) and IDLE.match(lines[i]):
        i += 1
    if not rows:
        return None, "a header but no thread under it"
    if i >= len(lines) or not lines[i].startswith(NOTE):
        return None, "the note on HOLDS does not follow the table (line %r)" % (
            lines[i] if i < len(lines) else "")
    return rows, None


def check_row(r, cpus):
    """What is wrong with one row (None if nothing)."""
    if r["state"] not in STATES:
        return "state %r" % r["state"]
    if r["cpu"] != "-" and int(r["cpu"]) >= cpus:
        return "CPU %s of %d" % (r["cpu"], cpus)
    if not 0 <= r["pri"] <= 63:
        return "priority %d" % r["pri"]
    if r["kstack"] < KERNEL_HALF or not 8192 < r["kstack_size"] <= 16384:
        return "kernel stack %x+%d" % (r["kstack"], r["kstack_size"])
    if r["pid"] == 0:
        if r["ustack"] is not None or r["tls"] is not None:
            return "a kernel thread with a user stack or TLS"
    else:
        if r["ustack"] is None or r["tls"] is None:
            return "a user thread without a user stack or TLS"
        lo, hi = r["ustack"]
        if not lo < r["tls"] < hi:
            return "TLS %x outside its stack %x-%x (where crt0 and thread_create put it)" % (
                r["tls"], lo, hi)
    if r["holds"] != "-" and r["pid"] != 0:
        return "a user thread at rest holds kernel mutexes: %r" % r["holds"]
    if r["state"] == "running" and r["wait"] != "-":
        return "running, yet waiting on %r" % r["wait"]
    # Blocking is a voluntary switch, counted by the same sched_switch,
    # under the sched_lock the table was read under.
    if r["state"] in ("blocked", "sleeping") and r["vol"] < 1:
        return "%s, yet no voluntary switch" % r["state"]
    # A user thread that is or was on a CPU has a last-run time.
    if r["pid"] != 0 and r["state"] != "runnable" and r["last_run"] == "-":
        return "%s, yet no last-run time" % r["state"]
    return None


def check(text, expect):
    """The last table in text is whole and sensible, and the threads named in
    expect, {(pid, name): (states, wait)}, are there with a state in states
    and, if blocked, that wait channel (None: any). None, or the reason it
    is not."""
    rows, reason = parse(text)
    if reason:
        return reason
    m = re.search(r"^Spindle \S+ \(x86-64\): (\d+) CPUs?,", text, re.MULTILINE)
    cpus = int(m.group(1)) if m else 1
    if len({r["tid"] for r in rows}) != len(rows):
        return "a tid listed twice"
    for r in rows:
        reason = check_row(r, cpus)
        if reason:
            return "thread %d (%s): %s" % (r["tid"], r["name"], reason)
    for (pid, name), (states, wait) in expect.items():
        found = [r for r in rows if r["pid"] == pid and r["name"] == name]
        if len(found) != 1:
            return "%d rows for %s (pid %d)" % (len(found), name, pid)
        r = found[0]
        if r["state"] not in states:
            return "%s is %s, expected one of %s" % (name, r["state"], sorted(states))
        if wait is not None and r["state"] == "blocked" and r["wait"] != wait:
            return "%s is blocked on %r, expected %r" % (name, r["wait"], wait)
        # A main thread of a user process: the stack the kernel made.
        if pid != 0 and r["ustack"] != USER_STACK:
            return "%s's user stack is %s" % (name, r["ustack"])
    return None
