#!/usr/bin/env python3
"""Add file:line to the `backtrace:` lines of a kernel panic.

    python3 tools/symbolize.py build/spindle.elf < serial.log

Each line `backtrace: #N function+0xoff [address]` gets ` at file:line`
(from addr2line and the kernel's debug information) appended.
"""
import re
import shutil
import subprocess
import sys

BACKTRACE = re.compile(r"^(backtrace: #\d+ \S+ \[([0-9a-f]{16})\])\s*$")


def addr2line_tool():
    for name in ("addr2line", "x86_64-elf-addr2line", "llvm-addr2line"):
        if shutil.which(name):
            return name
    return None


def symbolize(text, elf):
    """Returns text with file:line appended to each backtrace line."""
    lines = text.splitlines()
    wanted = [(i, m.group(2)) for i, line in enumerate(lines)
              for m in [BACKTRACE.match(line.rstrip("\r"))] if m]
    tool = addr2line_tool()
    if not wanted or not tool:
        return text
    try:
        out = subprocess.run([tool, "-e", elf] + ["0x" + a for _, a in wanted],
                             capture_output=True, text=True, timeout=30).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return text
    for (i, _), where in zip(wanted, out):
        where = re.sub(r" \(discriminator \d+\)", "", where.strip())
        lines[i] = lines[i].rstrip("\r") + " at " + where
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: symbolize.py KERNEL.elf < serial.log")
    sys.stdout.write(symbolize(sys.stdin.read(), sys.argv[1]))


if __name__ == "__main__":
    main()
