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
    for line in text.splitlines():
        m = re.match(r"sched: tick=(\d+) cpu=(\d+) event=(switch|wake) from=(\d+) to=(\d+)"
                     r"(?: reason=(preempt|yield|block|exit))?\s*$", line.strip())
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
        "append": "colour=blue",
        "status": 2,
        "expect": [r"^cmdline: unknown key 'colour'", r"known keys:.* hz="],
        "reject": [r"^Spindle "],
    },
    {
        "name": "cmdline-bad-value",
        "append": "hz=fast",
        "status": 2,
        "expect": [r"^cmdline: bad value 'fast' for hz= \(an integer from \d+ to \d+\)"],
    },
    {
        "name": "cmdline-out-of-range",
        "append": "hz=0",
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
        "append": "sched=nosuch",
        "status": 2,
        "expect": [r"^cmdline: unknown scheduling policy sched=nosuch; known policies:",
                   r"^  rr +round robin", r"^  fifo +first in, first out"],
    },
    {
        "name": "thread-dump-ctrl-p",
        # Ctrl-P (0x10) on the console prints every thread from the UART
        # interrupt, whatever runs; then the shell carries on.
        "dialogue": [("$ ", b"\x10"), ("WAITING ON", b"halt\r")],
        "expect": [r"^ +TID +PID +NAME +STATE +CPU +PRI +TICKS +WAITING ON",
                   # kmain waits for init, init for the shell (which may
                   # still be on its way to reading the next key)
                   r"^ +1 +0 main +blocked +\d+ +\d+ +\d+ wait",
                   r"^ +\d+ +1 init +blocked +\d+ +\d+ +\d+ wait",
                   r"^ +\d+ +2 sh +(blocked|running|runnable) ",
                   r"^ +- +0 idle0 +\w+ +0 "],
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
                   r"^ +\d+ +1 +init +blocked +0 .* wait", r"^ +\d+ +2 +sh +running "],
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
]
