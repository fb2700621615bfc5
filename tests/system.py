"""Whole-system tests: boots whose checks are on the serial output and exit
status as a whole (banner, boot loader, command line, console input).

Each entry is a dict:
  name      the test's name (for T=glob)
  ktest     True: also run the kernel test of the same name (test=NAME,
            with that test's .args)
  iso       True: boot build/spindle.iso through GRUB instead of -kernel
  append    kernel command line
  input     bytes typed on the serial console at once
  dialogue  [(text, bytes), ...]: type bytes once the output shows text
  status    expected exit status (default 0)
  expect    regexes that must match the output (re.MULTILINE)
  reject    regexes that must not match
  check     a function(output) returning None or the reason for failure
  qemu_args extra QEMU arguments
  min_cpus, timeout, exclusive as for kernel tests
  run       a function(opts, smp, timeout, args) -> (reason or None, log)
            that boots and judges by itself (instead of the keys above)
  skip      a function() -> None, or why the test cannot run on this host
"""

# The banner names the version, the CPU count, the memory size and the
# command line (kernel/main.c).
BANNER = r"^Spindle \d+\.\d+\.\d+ \(x86-64\): \d+ CPUs?, \d+ MiB RAM, cmdline '[^']*'"

def check_sched_trace(text):
    """The trace=sched stream is consistent: on each CPU every switch starts
    from the thread the previous switch went to, and every reason occurs."""
    import re
    last_to = {}
    reasons = set()
    switches = wakes = 0
    last_seq = None
    for line in text.splitlines():
        seq = re.search(r"^sched: tick=.* seq=(\d+) ", line.strip())
        if seq:
            # Numbered 1, 2, 3 ... with none missing: no line was lost.
            if last_seq is not None and int(seq.group(1)) != last_seq + 1:
                return "trace line %s follows %d: lines lost" % (seq.group(1), last_seq)
            last_seq = int(seq.group(1))
        if re.match(r"sched: tick=\d+ cpu=\d+ event=new from=\d+ to=\d+ ", line.strip()):
            continue        # a thread created (for tools/viz.py)
        m = re.match(r"sched: tick=(\d+) cpu=(\d+) event=(switch|wake) from=(\d+) to=(\d+)"
                     r"(?: reason=(preempt|yield|block|exit))?(?: target=\d+)? seq=\d+ ns=\d+\s*$",
                     line.strip())
        if not m:
            if line.startswith("sched:"):
                return "malformed trace line: %r" % line
            continue
        tick, cpu, event, frm, to, reason = m.groups()
        if event == "wake":
            wakes += 1
            continue
        if reason is None:
            return "switch without a reason: %r" % line
        switches += 1
        reasons.add(reason)
        if cpu in last_to and last_to[cpu] != frm:
            return "cpu %s switched from %s, but the previous switch went to %s: %r" % (
                cpu, frm, last_to[cpu], line)
        last_to[cpu] = to
    if switches < 10 or wakes < 3:
        return "too few events: %d switches, %d wake-ups" % (switches, wakes)
    missing = {"preempt", "yield", "block", "exit"} - reasons
    if missing:
        return "no switch with reason %s" % ", ".join(sorted(missing))
    return None


def check_smp_online(text):
    """smp-boot: the banner's CPU count is at least 4 and every CPU has its
    `smp: cpu N: apic M online` line, numbered 0..N-1, with distinct APIC IDs."""
    import re
    m = re.search(r"^Spindle \S+ \(x86-64\): (\d+) CPUs?,", text, re.MULTILINE)
    if not m:
        return "no banner"
    n = int(m.group(1))
    if n < 4:
        return "the banner says %d CPUs; 4 were asked for" % n
    online = re.findall(r"^smp: cpu (\d+): apic (\d+) online", text, re.MULTILINE)
    if sorted(int(c) for c, _ in online) != list(range(n)):
        return "the banner says %d CPUs but the online lines name CPUs %s" % (
            n, [int(c) for c, _ in online])
    if len({a for _, a in online}) != n:
        return "two CPUs share an APIC ID: %s" % online
    if not re.search(r"^smp: %d CPUs online\r?$" % n, text, re.MULTILINE):
        return "no 'smp: %d CPUs online' line (or it reports CPUs that did not start)" % n
    return None


def check_one_panic(text):
    """smp-panic-halt, smp-panic-race: one CPU panics while the others print;
    the panic comes out exactly once, its first line whole, and no other CPU
    prints between it and PANIC END or after (they were stopped by NMI).
    The output must end with PANIC END."""
    import re
    count = text.count("PANIC:")
    if count != 1:
        return "expected exactly one 'PANIC:', found %d" % count
    lines = [l.rstrip("\r") for l in text.splitlines()]
    start = next(i for i, l in enumerate(lines) if "PANIC:" in l)
    if not re.fullmatch(r"PANIC: smp-panic-halt: deliberate panic in worker \d+ on cpu [1-9]\d* "
                        r"\[cpu \d+\]", lines[start]):
        return "the PANIC: line is not whole: %r" % lines[start]
    end = next((i for i in range(start, len(lines)) if lines[i] == "PANIC END"), None)
    if end is None:
        return "no 'PANIC END' line after the PANIC: line"
    # Between the two, only what panic prints (kernel/panic.c, regs.c):
    # any other text, even a few characters, came from a CPU still running.
    panic_lines = [r"registers:", r"  (?:[a-z0-9]{2,6} ?=[0-9a-f]{4,16} ?){4}",
                   r"backtrace: #\d+ (?:[A-Za-z_][\w.]*\+0x[0-9a-f]+|\?\?) \[[0-9a-f]{16}\]"]
    for l in lines[start + 1:end]:
        if not any(re.fullmatch(p, l) for p in panic_lines):
            return "another CPU printed during the panic: %r" % l
    for l in lines[end + 1:]:
        if l.strip():
            return "another CPU printed after the panic: %r" % l
    if not any(l.startswith("backtrace:") and re.search(r"\bsmp_panic_halt_trigger\+0x", l)
               for l in lines[start:end]):
        return "the panic's backtrace does not name smp_panic_halt_trigger"
    if "did not confirm" in text:
        return "a CPU did not confirm it stopped"
    return None


def check_thread_table(expect):
    """The thread table of Ctrl-P or ps -T (tests/thread_table.py): whole,
    every value sensible, and the threads of expect {(pid, name): (states,
    wait)} in it."""
    def check(text):
        import os
        import sys
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import thread_table
        return thread_table.check(text, expect)
    return check


def gdb_target(test, policy):
    """gdb-target, gdb-target-fifo: the GDB helpers against a kernel
    stopped at a known point (tests/tools/test_gdb.py)."""
    def run(opts, smp, timeout, args):
        import os
        import sys
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
        import test_gdb
        return test_gdb.run(opts.kernel, smp, timeout, qemu=opts.qemu, mem=opts.mem, args=args,
                            test=test, policy=policy)
    return run


def gdb_missing():
    import shutil
    return None if shutil.which("gdb") else "gdb is not installed (make deps installs it)"


TESTS = [
    {
        "name": "boot-kernel",
        "ktest": True,
        "expect": [BANNER, r"^Spindle .*cmdline '[^']*test=boot-kernel'", r"^PASS boot-kernel"],
    },
    {
        "name": "boot-grub",
        "iso": True,
        # Typed only once the prompt is there: GRUB would eat earlier input.
        "dialogue": [("$ ", b"halt\r")],
        "expect": [BANNER, r"^\$ "],
        "timeout": 60,
    },
    {
        "name": "cmdline-unknown-key",
        # With a program to run (or a test), a bad key stops the boot with
        # status 2 and nothing else happens.
        "append": "colour=blue -- hello",
        "status": 2,
        "expect": [r"^cmdline: unknown key 'colour'", r"known keys:.* hz="],
        "reject": [r"^Spindle ", r"[Hh]ello"],
    },
    {
        "name": "cmdline-bad-key-shell",
        # At the shell (no test, no program), every bad setting is reported
        # and the kernel boots with the others (hz=1000 applies) to the prompt.
        "append": "colour=blue hz=1000 sched=nosuch quantum=x",
        "dialogue": [("$ ", b"halt\r")],
        "expect": [r"^cmdline: unknown key 'colour'", r"^cmdline: bad value 'x' for quantum=",
                   r"^cmdline: unknown scheduling policy sched=nosuch",
                   r"^cmdline: booting without the settings above", BANNER,
                   r"hz=1000", r"^\$ "],
    },
    {
        "name": "cmdline-bad-value",
        "append": "hz=fast -- hello",
        "status": 2,
        "expect": [r"^cmdline: bad value 'fast' for hz= \(an integer from \d+ to \d+\)"],
    },
    {
        "name": "cmdline-out-of-range",
        "append": "hz=0 -- hello",
        "status": 2,
        "expect": [r"^cmdline: bad value '0' for hz="],
    },
    {
        "name": "cmdline-no-test",
        "append": "test=no-such-test",
        "status": 2,
        "expect": [r"^ktest: no test named 'no-such-test'"],
    },
    {
        "name": "sched-trace",
        "ktest": True,                       # with the kernel test's own args
        "expect": [r"^PASS sched-trace"],
        "check": check_sched_trace,
    },
    {
        "name": "sched-unknown-policy",
        "append": "sched=nosuch -- hello",
        "status": 2,
        "expect": [r"^cmdline: unknown scheduling policy sched=nosuch; known policies:",
                   r"^  rr +round robin", r"^  fifo +first in, first out"],
    },
    {
        "name": "lottery-seed-cmdline",
        # seed= takes a decimal number 0..2^32-1; anything else stops the boot.
        "append": "sched=lottery seed=7x -- hello",
        "status": 2,
        "expect": [r"^cmdline: bad value '7x' for seed= \(an integer from 0 to 4294967295\)"],
    },
    {
        "name": "lottery-seed-cmdline-range",
        "append": "sched=lottery seed=4294967296 -- hello",
        "status": 2,
        "expect": [r"^cmdline: bad value '4294967296' for seed="],
    },
    {
        "name": "thread-dump-ctrl-p",
        # Ctrl-P (0x10) on the console prints every thread from the UART
        # interrupt, whatever runs; then the shell carries on.
        "dialogue": [("$ ", b"\x10"), ("WAITING ON / HOLDS", b"halt\r")],
        "expect": [r"^ +TID +PID +NAME +STATE +CPU +PRI +AFFINITY +TICKS +LAST-RUN +VOL +INVOL\r?$",
                   r"^ +KSTACK +USTACK +TLS +WAITING ON / HOLDS\r?$",
                   r"^ +- +0 idle0 +\w+ +0 "],
        # Two lines per thread, every field sensible (tests/thread_table.py):
        # kmain waits for init, init for the shell, which sleeps until a key
        # comes (with several CPUs, any of them may still be on its way).
        "check": check_thread_table({
            (0, "main"): ({"blocked", "running", "runnable"}, "wait"),
            (1, "init"): ({"blocked", "running", "runnable"}, "wait"),
            (2, "sh"): ({"blocked", "running", "runnable"}, "console")}),
    },
    {
        "name": "shell-ps-T",
        # ps -T: the same table from user space (SYS_thread_list). The shell
        # runs it, so it is running; init waits for it, kmain for init
        # (with several CPUs, either may still be on its way to wait).
        "dialogue": [("$ ", b"ps -T\r"), ("$ ", b"halt\r")],
        "expect": [r"^\$ ps -T\r?$",
                   r"^ +TID +PID +NAME +STATE +CPU +PRI +AFFINITY +TICKS +LAST-RUN +VOL +INVOL\r?$",
                   r"^ +\d+ +2 sh +running "],
        "check": check_thread_table({
            (0, "main"): ({"blocked", "running", "runnable"}, "wait"),
            (1, "init"): ({"blocked", "running", "runnable"}, "wait"),
            (2, "sh"): ({"running"}, None)}),
    },
    {
        "name": "tcb-held-mutexes",
        "ktest": True,
        # The kernel test calls the Ctrl-P dump while a thread holds two
        # kernel mutexes and waits at a semaphore, and kmain holds one.
        "expect": [r"^PASS tcb-held-mutexes",
                   r"^ +\d+ +0 holder +blocked .*\r?\n {12}[0-9a-f]+\+\d+ +- +- +"
                   r"tcb-gate1 / tcb-first,tcb-second\r?$",
                   r"^ +1 +0 main +running .*\r?\n {12}[0-9a-f]+\+\d+ +- +- +- / tcb-main\r?$"],
    },
    {
        "name": "boot-no-longmode",
        # A 32-bit CPU model: the 32-bit entry must say why it stops.
        "qemu_args": ["-cpu", "qemu32"],
        "status": 3,
        "expect": [r"no 64-bit long mode"],
        "reject": [r"^Spindle "],
    },
    {
        "name": "console-input",
        # Typed bytes reach the shell through the UART receive interrupt
        # (nothing polls the UART once interrupts are on: the reader sleeps
        # in the kernel until the interrupt wakes it, as thread-dump-ctrl-p
        # shows); backspace edits the line ("hepl" -> "help").
        "dialogue": [("$ ", b"hepl\x7f\x7flp\r"), ("$ ", b"nosuch\r"), ("$ ", b"ps\r"),
                     ("$ ", b"halt\r")],
        "expect": [r"^builtins:", r"^  help +this list", r"sh: nosuch: no such program",
                   r"^ +\d+ +1 +init +blocked +\d+ .* wait", r"^ +\d+ +2 +sh +running "],
    },
    {
        "name": "smp-boot",
        "ktest": True,
        "min_cpus": 4,
        # Every CPU of the MADT comes online and is listed before the banner.
        "expect": [BANNER, r"^PASS smp-boot"],
        "reject": [r"did not start"],
        "check": check_smp_online,
    },
    {
        "name": "smp-start-timeout",
        "ktest": True,
        # A CPU that never answers is reported and skipped, not waited on.
        "expect": [r"^smp: cpu \d+ \(apic 240\) did not start within \d+ ms",
                   r"^PASS smp-start-timeout"],
        "timeout": 30,
    },
    {
        "name": "smp-panic-halt",
        "ktest": True,                       # with its panic=halt
        "min_cpus": 4,
        # One CPU panics while every CPU prints. With panic=halt QEMU runs
        # on: it is watched for 3 s more after PANIC END (a CPU left running
        # prints many lines a second) and then stopped, as at a timeout; the
        # output must end at PANIC END. The timeout only bounds a kernel
        # that never panics (on a loaded host the boot and the workers'
        # spreading can take many seconds).
        "status": 124,                       # qemu_run.STATUS_TIMEOUT
        "stop_after": ("PANIC END", 3.0),
        "timeout": 60,
        "check": check_one_panic,
    },
    {
        "name": "smp-panic-race",
        "ktest": True,
        "min_cpus": 4,
        # Every worker off CPU 0 panics at once (as far as 2 host cores let
        # them); one message, then the power-off.
        "status": 125,                       # qemu_run.STATUS_PANIC
        "check": check_one_panic,
    },
    {
        "name": "user-hello",
        # The real hello program, started by init from the command line;
        # its status is the machine's.
        "append": "-- hello",
        "expect": [r"^hello, world\r?$"],
        "reject": [r"^FAIL", r"killed:"],
    },
    {
        "name": "shell-run",
        # No "--": init starts the shell. It runs a program by name, says
        # so when there is none, and powers off on halt with status 0.
        "dialogue": [("$ ", b"hello\r"), ("$ ", b"nosuch\r"), ("$ ", b"halt\r")],
        "expect": [r"^hello, world\r?$", r"^sh: nosuch: no such program\r?$"],
        "reject": [r"killed:"],
    },
    {
        "name": "gdb-target",
        "ktest": True,
        # The kernel test stops every CPU with threads in known states;
        # gdb -batch checks `spindle threads/runq/cpus/bt` against them.
        "run": gdb_target("gdb-target", "rr"),
        "skip": gdb_missing,
        "timeout": 120,
    },
    {
        "name": "gdb-target-fifo",
        "ktest": True,                       # with its sched=fifo
        "run": gdb_target("gdb-target-fifo", "fifo"),
        "skip": gdb_missing,
        "timeout": 120,
    },
]
