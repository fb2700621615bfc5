"""Whole-system tests: boots whose checks are on the serial output and exit
status as a whole (banner, boot loader, command line, console input).

Each entry is a dict:
  name      the test's name (for T=glob)
  ktest     True: also run the kernel test of the same name (test=NAME)
  iso       True: boot build/spindle.iso through GRUB instead of -kernel
  append    kernel command line
  input     bytes typed on the serial console
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

TESTS = [
    {
        "name": "boot-kernel",
        "ktest": True,
        "expect": [BANNER, r"^Spindle .*cmdline '[^']*test=boot-kernel'", r"^PASS boot-kernel"],
    },
    {
        "name": "boot-grub",
        "iso": True,
        "input": b"halt\r",
        "expect": [BANNER, r"^spindle> "],
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
        "name": "boot-no-longmode",
        # A 32-bit CPU model: the 32-bit entry must say why it stops.
        "qemu_args": ["-cpu", "qemu32"],
        "status": 3,
        "expect": [r"no 64-bit long mode"],
        "reject": [r"^Spindle "],
    },
    {
        "name": "console-input",
        # Typed bytes reach the monitor through the UART receive interrupt
        # (with interrupts on the monitor never polls the UART, and `stats`
        # shows how many receive interrupts were taken); backspace edits the line.
        "input": b"hepl\x7f\x7flp\rnosuch\rstats\rhalt\r",
        "expect": [r"^  help +list the commands", r"unknown command 'nosuch'",
                   r"^ticks=\d+ hz=100 clock_ns=[1-9]\d* uart_irqs=[1-9]\d*\r?$", r"^powering off"],
    },
]
